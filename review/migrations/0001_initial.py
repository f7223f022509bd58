# The review models left the clients app; their tables (clients_*) keep their names and data, so the
# database is not touched: only Django's state and the content types move.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ['casereviewsettings', 'casereviewmark']


def move_content_types(apps, schema_editor):
    """Permissions and admin log entries follow the models: their content types change app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="clients", model__in=MODELS).exclude(
        model__in=ContentType.objects.filter(app_label="review").values("model")
    ).update(app_label="review")


def reverse_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="review", model__in=MODELS).update(app_label="clients")


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
                name='CaseReviewMark',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('day', models.DateField(verbose_name='date')),
                    ('marked_at', models.DateTimeField(auto_now_add=True)),
                    ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='review_marks', to='clients.client')),
                    ('marked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='marked by')),
                    ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='compostela.office')),
                ],
                options={
                    'verbose_name': 'case review mark',
                    'verbose_name_plural': 'case review marks',
                    'db_table': 'clients_casereviewmark',
                    'constraints': [models.UniqueConstraint(fields=('office', 'day', 'client'), name='case_review_mark_once_per_day')],
                },
            ),
            migrations.CreateModel(
                name='CaseReviewSettings',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('quiet_days', models.PositiveSmallIntegerField(default=7, help_text='A client with no contact of any kind (attendance, note, outreach, employer contact, follow-up) for more than this many days is flagged.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='days without contact before a flag')),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('office', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='case_review_settings', to='compostela.office')),
                    ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'case review settings',
                    'verbose_name_plural': 'case review settings',
                    'db_table': 'clients_casereviewsettings',
                    'constraints': [models.CheckConstraint(condition=models.Q(('quiet_days__gte', 1), ('quiet_days__lte', 60)), name='case_review_quiet_days_1_60')],
                },
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, reverse_content_types),
    ]
