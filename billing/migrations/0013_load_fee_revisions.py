from django.db import migrations

from compostela.audit import audit_context


def load(apps, schema_editor):
    """The shipped revisions (fixtures/fees/2018-04.json, 2019-10.json): on a database that ran the old 0003,
    the same rows get their revision, verified flags and sources; on a new one, every row is added."""
    from billing.fee_data import fee_data_load

    with audit_context(reason="migration: billing.0013_load_fee_revisions"):
        fee_data_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("billing", "0012_fee_revisions")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
