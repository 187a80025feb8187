"""The hash chain (sequence, prev_hash, entry_hash, details), its head, alerts, teams, staff
areas and restrictions. Entries written before the chain existed are chained in id order."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ACTIONS = [
    ('searched', 'Searched'), ('shown_in_results', 'Person shown in results'),
    ('viewed_person', 'Viewed basic details and flags'), ('viewed_school', 'Viewed School details'),
    ('viewed_adult_social_care', 'Viewed Adult Social Care details'), ('viewed_housing', 'Viewed Housing details'),
    ('viewed_police', 'Viewed Police details'), ('signed_in', 'Signed in'), ('sign_in_failed', 'Failed sign-in'),
    ('signed_out', 'Signed out'), ('printed', 'Opened the print version (print or save as PDF)'),
    ('break_glass', 'Break-glass access to a restricted person'),
    ('restriction_changed', 'Restriction set or lifted'), ('data_loaded', 'Data load'),
    ('match_decided', 'Match decision'), ('user_changed', 'User created or changed'),
    ('roles_changed', 'Roles changed'), ('team_changed', 'Team changed'),
    ('audit_viewed', 'Audit trail viewed'), ('audit_exported', 'Audit trail exported'),
    ('audit_purged', 'Old audit entries purged'),
]


def chain_existing(apps, schema_editor):
    from familycontext.governance.chain import GENESIS, entry_hash

    AuditEntry = apps.get_model("governance", "AuditEntry")
    AuditChainHead = apps.get_model("governance", "AuditChainHead")
    previous, sequence = GENESIS, 0
    for entry in AuditEntry.objects.order_by("id"):
        sequence += 1
        entry.sequence, entry.prev_hash = sequence, previous
        entry.entry_hash = entry_hash(entry)
        entry.save(update_fields=["sequence", "prev_hash", "entry_hash"])
        previous = entry.entry_hash
    AuditChainHead.objects.update_or_create(id=1, defaults={"last_sequence": sequence, "last_hash": previous})


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('last_sequence', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(default='0' * 64, max_length=64)),
                ('purged_through_sequence', models.BigIntegerField(default=0)),
                ('purged_through_hash', models.CharField(default='0' * 64, max_length=64)),
                ('purged_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AlterField(model_name='auditentry', name='at', field=models.DateTimeField(db_index=True)),
        migrations.AlterField(model_name='auditentry', name='action',
                              field=models.CharField(choices=ACTIONS, db_index=True, max_length=40)),
        migrations.AddField(model_name='auditentry', name='sequence', field=models.BigIntegerField(null=True)),
        migrations.AddField(model_name='auditentry', name='details', field=models.JSONField(
            blank=True, null=True, help_text='What else the action needs: a load, a justification')),
        migrations.AddField(model_name='auditentry', name='prev_hash',
                            field=models.CharField(default='', max_length=64), preserve_default=False),
        migrations.AddField(model_name='auditentry', name='entry_hash', field=models.CharField(max_length=64, null=True)),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(model_name='auditentry', name='sequence', field=models.BigIntegerField(
            unique=True, help_text='Position in the hash chain, from 1')),
        migrations.AlterField(model_name='auditentry', name='entry_hash',
                              field=models.CharField(max_length=64, unique=True)),
        migrations.AlterModelOptions(name='auditentry',
                                     options={'ordering': ['sequence'], 'verbose_name_plural': 'audit entries'}),
        migrations.CreateModel(
            name='Alert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('same_surname', 'Viewed a person with their own family name'), ('many_views', 'Unusually many person views'), ('break_glass', 'Break-glass access')], db_index=True, max_length=20)),
                ('at', models.DateTimeField(db_index=True)),
                ('user_id', models.IntegerField(blank=True, db_index=True, null=True)),
                ('username', models.CharField(blank=True, max_length=150)),
                ('user_name', models.CharField(blank=True, max_length=300)),
                ('person_id', models.CharField(blank=True, max_length=20)),
                ('person_name', models.CharField(blank=True, max_length=400)),
                ('audit_sequence', models.BigIntegerField(blank=True, help_text='The audit entry that raised it', null=True)),
                ('message', models.TextField()),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('reviewed_by', models.CharField(blank=True, max_length=150)),
            ],
            options={'ordering': ['-at', '-id']},
        ),
        migrations.CreateModel(
            name='Restriction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('person_id', models.CharField(db_index=True, max_length=20)),
                ('restricted', models.BooleanField(default=True)),
                ('reason', models.TextField()),
                ('set_by_id', models.IntegerField(blank=True, null=True)),
                ('set_by', models.CharField(max_length=300)),
                ('at', models.DateTimeField()),
            ],
            options={'ordering': ['-at', '-id']},
        ),
        migrations.CreateModel(
            name='Team',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('managers', models.ManyToManyField(blank=True, related_name='managed_teams', to=settings.AUTH_USER_MODEL)),
                ('members', models.ManyToManyField(blank=True, related_name='teams', to=settings.AUTH_USER_MODEL)),
            ],
            options={'ordering': ['name']},
        ),
        migrations.CreateModel(
            name='StaffArea',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('postcode_district', models.CharField(max_length=4)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff_area', to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
