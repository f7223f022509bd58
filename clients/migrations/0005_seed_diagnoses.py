from django.db import migrations

from compostela.audit import audit_context

# The managed diagnosis list (domain.md: diagnoses seen at the office).  Offices may add more in the admin.
DIAGNOSES = [
    "うつ病", "統合失調症", "発達障害", "双極性障害", "気分変調症", "知的障害", "高次脳機能障害", "てんかん",
    "聴覚障害", "慢性腎不全", "不安障害", "適応障害", "強迫性障害", "パーソナリティ障害", "視覚障害", "肢体不自由",
]


def seed(apps, schema_editor):
    Diagnosis = apps.get_model("clients", "Diagnosis")
    with audit_context(reason="migration: clients.0005_seed_diagnoses"):
        for order, name in enumerate(DIAGNOSES, start=1):
            Diagnosis.objects.update_or_create(name=name, defaults={"sort_order": order * 10})


def unseed(apps, schema_editor):
    pass  # diagnoses may be in use; leave them


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_client_records")]
    operations = [migrations.RunPython(seed, unseed)]
