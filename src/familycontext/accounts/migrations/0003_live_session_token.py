from django.db import migrations, models


def end_existing_sessions(apps, schema_editor):
    # Rows hold session keys, not tokens: every session signs in again once.
    apps.get_model("accounts", "LiveSession").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_live_session")]
    operations = [
        migrations.RunPython(end_existing_sessions, migrations.RunPython.noop),
        migrations.RenameField("livesession", "session_key", "token"),
        migrations.AlterField("livesession", "token", models.CharField(max_length=64)),
    ]
