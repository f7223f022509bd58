from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        # the client list's days attended and the client page's last 30 days (clients.extensions)
        from attendance.selectors import attendance_closed_months, client_list_days_attended, client_page_attendance
        from clients.extensions import (
            register_client_list_annotations,
            register_client_page_part,
            register_closed_months,
        )

        register_client_list_annotations(client_list_days_attended)
        register_client_page_part(client_page_attendance)
        # a support plan entered with a past date must not change a month billing has closed
        register_closed_months(attendance_closed_months)
        import attendance.importing  # noqa: F401 - registers the attendance import (the upload screen)
