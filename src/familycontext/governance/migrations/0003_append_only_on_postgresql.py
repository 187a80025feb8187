"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit table.

The only DELETE let through is the purge's: ``familycontext audit purge`` sets
``familycontext.purge = 'on'`` for its own transaction (``set_config(..., true)``). SQLite has no
equivalent that the product could not switch off itself; there, ``audit verify`` is the defence.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION governance_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('familycontext.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % refused on governance_auditentry', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS governance_audit_append_only ON governance_auditentry;
CREATE TRIGGER governance_audit_append_only
    BEFORE UPDATE OR DELETE ON governance_auditentry
    FOR EACH ROW EXECUTE FUNCTION governance_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS governance_audit_append_only ON governance_auditentry;
DROP FUNCTION IF EXISTS governance_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [('governance', '0002_chain_alerts_teams_restrictions')]

    operations = [migrations.RunPython(forwards, backwards)]
