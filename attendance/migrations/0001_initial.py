# The attendance models left the clients app; their tables (clients_*) keep their names and data, so the
# database is not touched: only Django's state and the content types move.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ['attendance', 'granteddaysoverride']


def move_content_types(apps, schema_editor):
    """Permissions and admin log entries follow the models: their content types change app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="clients", model__in=MODELS).exclude(
        model__in=ContentType.objects.filter(app_label="attendance").values("model")
    ).update(app_label="attendance")


def reverse_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="attendance", model__in=MODELS).update(app_label="clients")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clients', '0009_attendance_and_review_leave_clients'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('compostela', '0002_audit_event'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Attendance',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('day', models.DateField(verbose_name='date')),
                    ('status', models.CharField(choices=[('attended', 'Attended'), ('offsite', 'Off-site support'), ('absent', 'Absent'), ('absent_supported', 'Absent with support')], max_length=20, verbose_name='status')),
                    ('start_time', models.TimeField(blank=True, null=True, verbose_name='start')),
                    ('end_time', models.TimeField(blank=True, null=True, verbose_name='end')),
                    ('transport_to', models.BooleanField(default=False, verbose_name='transport there')),
                    ('transport_from', models.BooleanField(default=False, verbose_name='transport back')),
                    ('meal', models.BooleanField(default=False, verbose_name='meal provided')),
                    ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                    ('version', models.PositiveIntegerField(default=1)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendance', to='clients.client')),
                    ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='compostela.office')),
                    ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'attendance',
                    'verbose_name_plural': 'attendance',
                    'db_table': 'clients_attendance',
                    'indexes': [models.Index(fields=['office', 'day'], name='attendance_office_day')],
                    'constraints': [models.UniqueConstraint(fields=('client', 'day'), name='attendance_one_row_per_client_day'), models.CheckConstraint(condition=models.Q(('status__in', ['attended', 'offsite', 'absent', 'absent_supported'])), name='attendance_status_known'), models.CheckConstraint(condition=models.Q(('start_time__isnull', True), ('end_time__isnull', True), ('end_time__gt', models.F('start_time')), _connector='OR'), name='attendance_end_after_start'), models.CheckConstraint(condition=models.Q(('status__in', ('attended', 'offsite')), models.Q(('meal', False), ('transport_from', False), ('transport_to', False)), _connector='OR'), name='attendance_absence_has_no_transport_or_meal'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'absent_supported'), _negated=True), models.Q(('note', ''), _negated=True), _connector='OR'), name='attendance_absence_support_has_note')],
                },
            ),
            migrations.CreateModel(
                name='GrantedDaysOverride',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField(verbose_name='month')),
                    ('reason', models.CharField(max_length=300, verbose_name='reason')),
                    ('confirmed_at', models.DateTimeField(auto_now_add=True)),
                    ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='granted_days_overrides', to='clients.client')),
                    ('confirmed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'granted-days confirmation',
                    'verbose_name_plural': 'granted-days confirmations',
                    'db_table': 'clients_granteddaysoverride',
                    'constraints': [models.UniqueConstraint(fields=('client', 'month'), name='granted_days_override_once_per_month'), models.CheckConstraint(condition=models.Q(('month__day', 1)), name='granted_days_override_month_first_day'), models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='granted_days_override_has_reason')],
                },
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, reverse_content_types),
    ]
