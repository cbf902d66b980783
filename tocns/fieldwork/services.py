"""Recording activities. A retried upload (same client id) stores nothing new and returns what
was stored; a refused one writes nothing and says why, field by field, in Vietnamese."""

import uuid
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.geo.models import AdminUnit
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Team

from .models import Activity, ActivityKind, Service

MAX_PEOPLE = 2000
MAX_DAYS_BACK = 366
CLOCK_SKEW = timedelta(minutes=10)
PART_COUNTS = ("households_count", "women_count", "elderly_count", "minority_count")


def team_for(user, unit: AdminUnit) -> Team | None:
    """The team a user logs for in a unit: their own village's or commune's team; a commune
    officer may log for any team of the commune (paper notes typed in later)."""
    live = Team.objects.exclude(status=TeamStatus.DISSOLVED)
    assignments = Assignment.objects.active().filter(user=user)
    if assignments.filter(role__in=[Role.TEAM_LEADER, Role.TEAM_MEMBER], unit=unit).exists():
        return live.filter(unit=unit).first()
    if unit.is_village and assignments.filter(role__in=[Role.TEAM_LEADER, Role.TEAM_MEMBER],
                                              unit_id=unit.commune_id).exists():
        return live.filter(unit_id=unit.commune_id).first()  # the commune team works in its villages
    if assignments.filter(role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN], unit_id=unit.commune_id).exists():
        return live.filter(unit=unit).first() or live.filter(unit_id=unit.commune_id).first()
    return None


def _count(data: dict, name: str, errors: dict, *, required: bool = False) -> int | None:
    raw = data.get(name)
    if raw in (None, ""):
        if required:
            errors[name] = _("Hãy nhập số người được hỗ trợ.")
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors[name] = _("Hãy nhập một số nguyên (ví dụ 3).")
        return None
    if value < 0:
        errors[name] = _("Số không được âm.")
    elif value > MAX_PEOPLE:
        errors[name] = _("Một lần ghi tối đa %(n)s người; hãy tách thành nhiều lần.") % {"n": MAX_PEOPLE}
    return value


def _day(raw, errors: dict, *, today: date) -> date | None:
    day = raw if isinstance(raw, date) else parse_date(str(raw or ""))
    if day is None:
        errors["date"] = _("Ngày viết theo dạng năm-tháng-ngày (ví dụ 2026-11-28).")
    elif day > today:
        errors["date"] = _("Ngày hoạt động không được sau hôm nay.")
    elif day < today - timedelta(days=MAX_DAYS_BACK):
        errors["date"] = _("Chỉ ghi được hoạt động trong vòng một năm.")
    return day


def _made_at(raw, errors: dict):
    now = timezone.now()
    if not raw:
        return now
    made = raw if isinstance(raw, datetime) else parse_datetime(str(raw))
    if made is None:
        errors["made_at"] = _("Thời điểm ghi không đúng dạng.")
        return now
    if timezone.is_naive(made):
        made = timezone.make_aware(made)
    if made > now + CLOCK_SKEW:
        errors["made_at"] = _("Thời điểm ghi ở tương lai: hãy kiểm tra đồng hồ điện thoại.")
    return made


@transaction.atomic
def activity_record(*, user, data: dict) -> tuple[Activity, bool]:
    """Store one activity from the phone or the page. Returns (activity, created)."""
    errors: dict = {}
    try:
        client_id = uuid.UUID(str(data.get("client_id", "")))
    except ValueError:
        raise ValidationError({"client_id": _("Thiếu mã của lần ghi (client_id).")}) from None
    existing = Activity.objects.select_related("unit").filter(client_id=client_id).first()
    if existing is not None:
        # The same entry may arrive twice by two roads: from the phone, and in the queue file an
        # officer uploaded. Anyone who may log for its unit gets the stored one back.
        if existing.recorded_by_id != user.pk and team_for(user, existing.unit) is None:
            raise ValidationError({"client_id": _("Mã lần ghi này đã được người khác dùng.")})
        return existing, False
    today = timezone.localdate()
    day = _day(data.get("date"), errors, today=today)
    unit = AdminUnit.objects.active().filter(code=str(data.get("unit", "")).strip()).first()
    team = team_for(user, unit) if unit is not None else None
    if unit is None or team is None:
        errors["unit"] = _("Bạn không ghi được hoạt động cho đơn vị này.")
    elif day is not None and team.established_on and day < team.established_on:
        errors["date"] = _("Tổ chưa được thành lập vào ngày này.")
    kind = data.get("kind")
    if kind not in ActivityKind.values:
        errors["kind"] = _("Hãy chọn hình thức: tuyên truyền, hướng dẫn hoặc lớp học.")
    codes = [str(code) for code in (data.get("services") or [])]
    services = list(Service.objects.filter(code__in=codes, is_active=True))
    if len(services) != len(set(codes)):
        errors["services"] = _("Có dịch vụ không có trong danh mục: %(codes)s.") % {
            "codes": ", ".join(sorted(set(codes) - {s.code for s in services}))}
    elif not services and kind in (ActivityKind.GUIDANCE, ActivityKind.CLASS):
        errors["services"] = _("Hãy chọn ít nhất một dịch vụ đã hướng dẫn.")
    people = _count(data, "people_count", errors, required=True)
    parts = {name: _count(data, name, errors) for name in PART_COUNTS}
    for name, value in parts.items():
        if value is not None and people is not None and value > people and name != "households_count":
            errors[name] = _("Không được lớn hơn số người được hỗ trợ (%(n)s).") % {"n": people}
    made_at = _made_at(data.get("made_at"), errors)
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                client_id=client_id, team=team, unit=unit, province=unit.province, commune=unit.commune, date=day,
                kind=kind, door_to_door=bool(data.get("door_to_door")), people_count=people,
                notes=str(data.get("notes") or "")[:2000], recorded_by=user, made_at=made_at, **parts)
    except IntegrityError:  # the same entry arrived twice at once
        return Activity.objects.get(client_id=client_id), False
    activity.services.set(services)
    return activity, True


def queue_file_entries(data: bytes) -> list[dict]:
    """The entries of a queue file saved on a phone (JSON list); a ValueError in Vietnamese otherwise."""
    import json

    try:
        entries = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(_("Tệp không đọc được: hãy chọn tệp “nhat-ky-chua-gui-….json” lưu từ điện thoại.")) from None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ValueError(_("Tệp không đúng dạng danh sách nhật ký."))
    return entries
