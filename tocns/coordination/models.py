"""The commune coordination group (plan II.3 ¶1): commune leaders, the VH-XH office, the province's
digital transformation office, the village team leaders and the postal and telecom enterprises.

Who is in it is read live from the accounts, roles, memberships and partners (tocns.coordination.roster);
nothing is copied. What is stored is the group's Zalo link and, each time the office says the Zalo
group has been brought up to date, a snapshot of who was in it, so the page can say who has joined
or left the roster since."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit


class CoordinationGroup(models.Model):
    commune = models.OneToOneField(AdminUnit, on_delete=models.PROTECT, related_name="coordination_group")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    zalo_url = models.URLField(_("đường dẫn nhóm Zalo"), blank=True)
    version = models.PositiveIntegerField(default=1)  # edits made on an older one are refused
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("nhóm phối hợp của xã")
        verbose_name_plural = _("nhóm phối hợp của xã")

    def __str__(self) -> str:
        return _("Nhóm phối hợp %(commune)s") % {"commune": self.commune.name}


class RosterSnapshot(models.Model):
    """Who was in the group when the office marked the Zalo group as brought up to date."""

    group = models.ForeignKey(CoordinationGroup, on_delete=models.PROTECT, related_name="snapshots")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    # [{"key": "u12", "name": …, "phone": …, "roles": ["Chủ tịch UBND xã", …]}, …]
    members = models.JSONField(default=list)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(unique=True)  # a retried "Đã cập nhật" takes one snapshot
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("danh sách nhóm Zalo đã cập nhật")
        verbose_name_plural = _("danh sách nhóm Zalo đã cập nhật")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.group} – {self.taken_at:%d/%m/%Y}"
