# The link table of HealthRecord.diagnoses becomes a model of its own (same table, same columns and unique
# constraint), so that the audit trail's triggers on it are made by migrations like every other table's.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0014_english_labels'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HealthRecordDiagnosis',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('diagnosis', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clients.diagnosis')),
                        ('healthrecord', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clients.healthrecord')),
                    ],
                    options={
                        'verbose_name': 'diagnosis of a client',
                        'verbose_name_plural': 'diagnoses of clients',
                        'db_table': 'clients_healthrecord_diagnoses',
                        'unique_together': {('healthrecord', 'diagnosis')},
                    },
                ),
                migrations.AlterField(
                    model_name='healthrecord',
                    name='diagnoses',
                    field=models.ManyToManyField(blank=True, related_name='+', through='clients.HealthRecordDiagnosis', to='clients.diagnosis', verbose_name='diagnoses'),
                ),
            ],
            database_operations=[],
        ),
    ]
