from django.db import migrations

from compostela.audit import audit_context


def load(apps, schema_editor):
    from billing.fee_data import fee_data_load

    with audit_context(reason="migration: billing.0003_load_fee_schedule_2019"):
        fee_data_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_fee_schedules_and_claim_snapshot")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
