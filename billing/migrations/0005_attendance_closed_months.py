# Attendance now reads its own lock (attendance.ClosedMonth) instead of billing's MonthClosing; every month
# closed in billing today becomes a closed month of attendance, so nothing that was read-only opens up.
from django.db import migrations

from compostela.audit import audit_context


def lock_closed_months(apps, schema_editor):
    MonthClosing = apps.get_model("billing", "MonthClosing")
    ClosedMonth = apps.get_model("attendance", "ClosedMonth")
    closed = MonthClosing.objects.filter(reopened_at__isnull=True).values_list("office_id", "month").distinct()
    with audit_context(reason="migration: billing.0005_attendance_closed_months"):
        ClosedMonth.objects.bulk_create(
            [ClosedMonth(office_id=office_id, month=month) for office_id, month in closed], ignore_conflicts=True
        )


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0004_generated_document"),
        ("attendance", "0002_closed_month"),
    ]

    operations = [
        migrations.RunPython(lock_closed_months, migrations.RunPython.noop),
    ]
