from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        # the client page shows the hires, the job search and the placement timeline (clients.extensions)
        from clients.extensions import register_client_page_part
        from placements.selectors import client_page_placements

        register_client_page_part(client_page_placements)
        import placements.imports  # noqa: F401 - registers the hires and follow-ups imports (the upload screen)
