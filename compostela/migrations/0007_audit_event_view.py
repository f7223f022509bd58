# compostela.AuditEvent is now a proxy of pghistory's Events: the audit trail read as one list across the
# event tables, with the user, reason and request of each event's context.  Nothing is stored under it.

import django.db.models.manager
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("compostela", "0006_audit_trail_on_pghistory"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[],
            options={
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("pghistory.events",),
            managers=[
                ("no_objects", django.db.models.manager.Manager()),
            ],
        ),
    ]
