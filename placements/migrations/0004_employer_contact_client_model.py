# The link table of EmployerContact.clients becomes a model of its own (same table, same columns and unique
# constraint), so that the audit trail's triggers on it are made by migrations like every other table's.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0015_health_record_diagnosis_model'),
        ('placements', '0003_english_help_text'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='EmployerContactClient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clients.client')),
                        ('employercontact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='placements.employercontact')),
                    ],
                    options={
                        'verbose_name': 'client of an employer contact',
                        'verbose_name_plural': 'clients of employer contacts',
                        'db_table': 'placements_employercontact_clients',
                        'unique_together': {('employercontact', 'client')},
                    },
                ),
                migrations.AlterField(
                    model_name='employercontact',
                    name='clients',
                    field=models.ManyToManyField(blank=True, related_name='employer_contacts', through='placements.EmployerContactClient', to='clients.client', verbose_name='for clients'),
                ),
            ],
            database_operations=[],
        ),
    ]
