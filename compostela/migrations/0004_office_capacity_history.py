# The office's capacity history is office data: it moves from billing to compostela so that the roster's
# over-capacity warning reads the capacity in force as billing does.  The table keeps its name and rows.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('compostela', '0003_office_number_refusal_code'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='OfficeCapacity',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('valid_from', models.DateField(verbose_name='in force from')),
                    ('capacity', models.PositiveSmallIntegerField(verbose_name='capacity')),
                    ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='compostela.office', verbose_name='office')),
                ],
                options={
                    'verbose_name': 'office capacity',
                    'verbose_name_plural': 'office capacities',
                    'db_table': 'billing_officecapacity',
                    'ordering': ['office', '-valid_from'],
                    'constraints': [models.UniqueConstraint(fields=('office', 'valid_from'), name='office_capacity_one_per_day'), models.CheckConstraint(condition=models.Q(('capacity__gte', 1)), name='office_capacity_history_positive')],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
