from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CompostelaConfig(AppConfig):
    name = "compostela"
    verbose_name = _("Offices and staff")

    def ready(self) -> None:
        from compostela.audit import install_audit_triggers

        # After every migrate (and test-database creation, and flush): attach the audit trigger to every
        # audited table.  Sent once per app; "compostela" runs after all migrations are applied.
        post_migrate.connect(
            lambda sender, using=None, **kw: install_audit_triggers(using=using or "default"),
            sender=self, dispatch_uid="compostela_audit_triggers", weak=False,
        )
