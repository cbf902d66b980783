"""Changes to a commune's coordination group: its Zalo link and the "Zalo group brought up to date"
snapshot. One transaction each, with its audit record; a refused change writes nothing."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit

from .models import CoordinationGroup, RosterSnapshot
from .roster import roster_for

ZALO_PREFIXES = ("https://zalo.me/",)


def zalo_url_checked(url: str) -> str:
    url = (url or "").strip()
    if url.startswith("http://zalo.me/"):
        url = "https://" + url[len("http://"):]
    elif url.startswith("zalo.me/"):
        url = "https://" + url
    if url and (not url.startswith(ZALO_PREFIXES) or len(url) <= len(ZALO_PREFIXES[0]) or " " in url
                or len(url) > 200):
        raise ValidationError({"zalo_url": [_("Đường dẫn nhóm Zalo bắt đầu bằng https://zalo.me/g/… "
                                              "(trong Zalo: nhóm › Tùy chọn › Link nhóm › Sao chép).")]})
    return url


def _group_locked(commune: AdminUnit) -> CoordinationGroup:
    group, _created = CoordinationGroup.objects.select_for_update().get_or_create(
        commune=commune, defaults={"province_id": commune.province_id, "version": 0})
    return group


@transaction.atomic
def group_set_zalo(*, commune: AdminUnit, url: str, was, by) -> CoordinationGroup:
    """Save the group's Zalo link (empty clears it). `was` is the version the page showed (0 before any)."""
    url = zalo_url_checked(url)
    group = _group_locked(commune)
    if was is None or group.version != was:
        raise ValidationError(_("Trong lúc bạn sửa, người khác đã lưu đường dẫn nhóm Zalo. Trang đã hiện lại "
                                "bản mới nhất; hãy xem rồi sửa lại."), code="stale")
    if group.zalo_url == url and group.version:
        return group
    old = group.zalo_url
    group.zalo_url, group.updated_by, group.version = url, by, group.version + 1
    group.save()
    audit_record(actor=by, action="coordination.zalo", obj=group, commune_id=commune.pk,
                 summary=_("Đổi đường dẫn nhóm Zalo phối hợp của %(commune)s") % {"commune": commune.name},
                 data={"old": old, "new": url})
    return group


@transaction.atomic
def group_mark_updated(*, commune: AdminUnit, submission_key: uuid.UUID, by) -> RosterSnapshot:
    """The office has brought the Zalo group in step with the roster: keep who is in it now."""
    existing = RosterSnapshot.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    group = _group_locked(commune)
    if not group.version:  # made just now, to hold the snapshot
        group.version = 1
        group.save(update_fields=["version"])
    roster = roster_for(commune)
    snapshot = RosterSnapshot.objects.create(group=group, province_id=commune.province_id, commune=commune,
                                             members=roster.snapshot(), taken_by=by, submission_key=submission_key)
    audit_record(actor=by, action="coordination.synced", obj=snapshot,
                 summary=_("Đã cập nhật nhóm Zalo phối hợp của %(commune)s (%(n)s người)") % {
                     "commune": commune.name, "n": len(roster.people)})
    return snapshot
