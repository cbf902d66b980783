from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamtasksConfig(AppConfig):
    name = "tocns.teamtasks"
    label = "teamtasks"
    verbose_name = _("Nhiệm vụ giao cho tổ")
