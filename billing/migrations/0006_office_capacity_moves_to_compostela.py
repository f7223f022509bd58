# OfficeCapacity left billing for compostela (0004_office_capacity_history); the table billing_officecapacity
# keeps its name and rows, only Django's state and the content type move.

from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="compostela", model="officecapacity").exists():
        ContentType.objects.filter(app_label="billing", model="officecapacity").update(app_label="compostela")


def reverse_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="compostela", model="officecapacity").update(app_label="billing")


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_attendance_closed_months'),
        ('compostela', '0004_office_capacity_history'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.DeleteModel(
                name='OfficeCapacity',
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, reverse_content_type),
    ]
