from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "tocns.fieldwork"
    label = "fieldwork"
    verbose_name = _("Nhật ký hoạt động")

    def ready(self):
        # The monthly report asks its registered sources for pre-filled values (DESIGN: reports
        # knows no fieldwork; fieldwork registers itself).
        from tocns.reports.prefill import register

        from .prefill import activity_counts

        register(activity_counts, label=_("Theo nhật ký"))
