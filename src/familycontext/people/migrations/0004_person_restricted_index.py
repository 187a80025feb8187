from django.db import migrations, models


class Migration(migrations.Migration):
    """Restricted people are few and read on every page (disclosure.homes): a partial index."""

    dependencies = [
        ('people', '0003_namekey_skip_first_pair'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='person',
            index=models.Index(condition=models.Q(('restricted', True)), fields=['restricted'],
                               name='person_restricted'),
        ),
    ]
