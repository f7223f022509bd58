"""The plan's two free-text fields become the first two of the full plan: ``goals`` is its long-term goal
(長期目標) and ``support_content`` its overall support policy (総合的な支援の方針); the audit trail's copies
follow.  The history triggers are replaced by the next migration."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clients", "0020_none_choice_labels")]

    operations = [
        migrations.RenameField("supportplan", "goals", "long_term_goal"),
        migrations.RenameField("supportplan", "support_content", "overall_policy"),
        migrations.RenameField("supportplanevent", "goals", "long_term_goal"),
        migrations.RenameField("supportplanevent", "support_content", "overall_policy"),
    ]
