from django.db import migrations


def load(apps, schema_editor):
    from billing.fee_data import fee_data_load

    fee_data_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_fee_schedules_and_claim_snapshot")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
