# Attendance and the case review became apps of their own (attendance, review).  Their tables stay where they
# are, with their data: this migration only tells Django's state that the models left clients.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0008_certificate_service'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='casereviewmark',
                name='client',
            ),
            migrations.RemoveField(
                model_name='casereviewmark',
                name='marked_by',
            ),
            migrations.RemoveField(
                model_name='casereviewmark',
                name='office',
            ),
            migrations.RemoveField(
                model_name='casereviewsettings',
                name='office',
            ),
            migrations.RemoveField(
                model_name='casereviewsettings',
                name='updated_by',
            ),
            migrations.RemoveField(
                model_name='granteddaysoverride',
                name='client',
            ),
            migrations.RemoveField(
                model_name='granteddaysoverride',
                name='confirmed_by',
            ),
            migrations.DeleteModel(
                name='Attendance',
            ),
            migrations.DeleteModel(
                name='CaseReviewMark',
            ),
            migrations.DeleteModel(
                name='CaseReviewSettings',
            ),
            migrations.DeleteModel(
                name='GrantedDaysOverride',
            ),
            ],
            database_operations=[],
        ),
    ]
