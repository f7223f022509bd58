from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        import clients.importing  # noqa: F401 - registers the clients import (the upload screen offers it)
        import clients.plan_importing  # noqa: F401 - registers the support-plan history import
