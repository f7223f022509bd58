from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompostelaConfig(AppConfig):
    name = "compostela"
    verbose_name = _("Offices and staff")
