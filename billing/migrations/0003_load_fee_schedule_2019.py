from django.db import migrations


def load(apps, schema_editor):
    """Superseded by 0013_load_fee_revisions: the shipped fee data is now a set of revision files
    (``fixtures/fees/``), loaded once the tables carry their revision.  Kept as a step so the migration
    graph does not change."""


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_fee_schedules_and_claim_snapshot")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
