"""Recording activities. A retried upload (same client id) stores nothing new and returns what
was stored; a refused one writes nothing and says why, field by field, in Vietnamese."""

import base64
import binascii
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.geo.models import AdminUnit
from tocns.reports.catalogue_scope import provinces_of
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Team

from .models import Activity, ActivityKind, Service
from .tallies import tally_add

MAX_PEOPLE = 2000
MAX_DAYS_BACK = 366
# A phone's clock may be hours off (set by hand, never synced). The day the member chose is the
# activity's day; the phone's time is only recorded, and refused only when it is absurd.
CLOCK_SKEW = timedelta(hours=12)
DAYS_AHEAD = 1  # a phone a few hours ahead may already be on tomorrow's date
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
    try:
        day = raw if isinstance(raw, date) else parse_date(str(raw or ""))
    except ValueError:  # well formed but impossible, as 2026-02-31: the same message as a bad form
        day = None
    if day is None:
        errors["date"] = _("Ngày viết theo dạng năm-tháng-ngày (ví dụ 2026-11-28).")
    elif day > today + timedelta(days=DAYS_AHEAD):
        errors["date"] = _("Ngày hoạt động không được sau hôm nay.")
    elif day < today - timedelta(days=MAX_DAYS_BACK):
        errors["date"] = _("Chỉ ghi được hoạt động trong vòng một năm.")
    return day


def made_at_of(raw, errors: dict):
    now = timezone.now()
    if not raw:
        return now
    try:
        made = raw if isinstance(raw, datetime) else parse_datetime(str(raw))
    except ValueError:  # well formed but impossible, as 2026-13-40T25:00
        made = None
    if made is None:
        errors["made_at"] = _("Thời điểm ghi không đúng dạng.")
        return now
    if timezone.is_naive(made):
        made = timezone.make_aware(made)
    if made > now + CLOCK_SKEW:
        errors["made_at"] = _("Đồng hồ điện thoại đang nhanh hơn giờ thật quá 12 giờ: hãy chỉnh lại giờ của "
                              "điện thoại, rồi mở mục này ra và lưu lại.")
    return made


class Lookups:
    """What checking entries needs from the database, asked once per unit and once for the
    catalogue, so a batch of 200 costs a handful of queries rather than 14 each."""

    def __init__(self, user):
        self.user = user
        self._units: dict[str, AdminUnit | None] = {}
        self._teams: dict[int, Team | None] = {}
        self._services: dict[str, Service] | None = None

    def unit(self, code: str) -> AdminUnit | None:
        if code not in self._units:
            self._units[code] = AdminUnit.objects.active().filter(code=code).first()
        return self._units[code]

    def team(self, unit: AdminUnit) -> Team | None:
        if unit.pk not in self._teams:
            self._teams[unit.pk] = team_for(self.user, unit)
        return self._teams[unit.pk]

    def services(self) -> dict[str, Service]:
        if self._services is None:
            mine = Service.objects.for_province(provinces_of(self.user))  # national and the user's province's
            self._services = {s.code: s for s in mine.filter(is_active=True)}
        return self._services


def client_id_of(data: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(data.get("client_id", "")))
    except ValueError:
        raise ValidationError({"client_id": _("Thiếu mã của lần ghi (client_id).")}) from None


def _may_see_again(lookups: Lookups, existing: Activity) -> None:
    # The same entry may arrive twice by two roads: from the phone, and in the queue file an
    # officer uploaded. Anyone who may log for its unit gets the stored one back.
    if existing.recorded_by_id != lookups.user.pk and lookups.team(existing.unit) is None:
        raise ValidationError({"client_id": _("Mã lần ghi này đã được người khác dùng.")})


def _checked(data: dict, lookups: Lookups, client_id: uuid.UUID) -> tuple[Activity, list[Service], bytes | None]:
    """The unsaved activity, its services and its photo, or a ValidationError field by field."""
    errors: dict = {}
    today = timezone.localdate()
    day = _day(data.get("date"), errors, today=today)
    unit = lookups.unit(str(data.get("unit", "")).strip())
    team = lookups.team(unit) if unit is not None else None
    if unit is None or team is None:
        errors["unit"] = _("Bạn không ghi được hoạt động cho đơn vị này.")
    elif day is not None and team.established_on and day < team.established_on:
        errors["date"] = _("Tổ chưa được thành lập vào ngày này.")
    kind = data.get("kind")
    if kind not in ActivityKind.values:
        errors["kind"] = _("Hãy chọn hình thức: tuyên truyền, hướng dẫn hoặc lớp học.")
    codes = {str(code) for code in (data.get("services") or [])}
    catalogue = lookups.services()
    services = [catalogue[code] for code in sorted(codes) if code in catalogue]
    if len(services) != len(codes):
        errors["services"] = _("Có dịch vụ không có trong danh mục: %(codes)s.") % {
            "codes": ", ".join(sorted(codes - catalogue.keys()))}
    elif not services and kind in (ActivityKind.GUIDANCE, ActivityKind.CLASS):
        errors["services"] = _("Hãy chọn ít nhất một dịch vụ đã hướng dẫn.")
    people = _count(data, "people_count", errors, required=True)
    parts = {name: _count(data, name, errors) for name in PART_COUNTS}
    for name, value in parts.items():
        if value is not None and people is not None and value > people and name != "households_count":
            errors[name] = _("Không được lớn hơn số người được hỗ trợ (%(n)s).") % {"n": people}
    made_at = made_at_of(data.get("made_at"), errors)
    photo = photo_bytes(data.get("photo"), errors)
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    activity = Activity(
        client_id=client_id, team=team, unit=unit, province_id=unit.province_id, commune_id=unit.commune_id,
        date=day, kind=kind, door_to_door=bool(data.get("door_to_door")), people_count=people,
        notes=str(data.get("notes") or "")[:2000], recorded_by=lookups.user, made_at=made_at, **parts)
    return activity, services, photo


def _save_photo(activity: Activity, photo: bytes | None) -> None:
    if photo is not None:
        activity.photo = default_storage.save(
            f"nhat-ky/{activity.date:%Y/%m}/{activity.client_id}{PHOTO_TYPES[photo[:3]]}", ContentFile(photo))


@transaction.atomic
def activity_record(*, user, data: dict) -> tuple[Activity, bool]:
    """Store one activity from the phone or the page. Returns (activity, created)."""
    lookups = Lookups(user)
    client_id = client_id_of(data)
    existing = Activity.objects.select_related("unit").filter(client_id=client_id).first()
    if existing is not None:
        _may_see_again(lookups, existing)
        return existing, False
    activity, services, photo = _checked(data, lookups, client_id)
    _save_photo(activity, photo)
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError:  # the same entry arrived twice at once
        _drop_photos([activity])
        return Activity.objects.get(client_id=client_id), False
    activity.services.set(services)
    tally_add([(activity, services)])  # in this transaction: the counts commit with the activity
    return activity, True


@dataclass
class BatchOutcome:
    client_id: str
    status: str  # stored (new), duplicate (stored before), refused
    stored: models.Model | None = None  # the activity or survey answer, new or found
    errors: dict = field(default_factory=dict)


def sort_batch(entries: list[dict], *, model, may_see_again, check) -> tuple[list, list[BatchOutcome], dict]:
    """A phone's queue split in one query: refused entries (with their reasons), entries stored
    before or twice in the queue, and the new ones checked by `check(data, client_id)`."""
    outcomes: list[BatchOutcome] = []
    ids: list[uuid.UUID | None] = []
    for data in entries:
        try:
            ids.append(client_id_of(data))
        except ValidationError as exc:
            ids.append(None)
            outcomes.append(BatchOutcome(str(data.get("client_id", "")), "refused", errors=exc.message_dict))
        else:
            outcomes.append(BatchOutcome(str(data.get("client_id", "")), ""))
    existing = model.objects.select_related("unit").in_bulk([i for i in ids if i], field_name="client_id")
    new: dict = {}
    for data, client_id, outcome in zip(entries, ids, outcomes, strict=True):
        if client_id is None:
            continue
        try:
            if client_id in existing:
                may_see_again(existing[client_id])
                outcome.status = "duplicate"
            elif client_id in new:
                outcome.status = "duplicate"  # twice in the same queue
            else:
                new[client_id] = check(data, client_id)
                outcome.status = "stored"
        except ValidationError as exc:
            outcome.status, outcome.errors = "refused", exc.message_dict
    return ids, outcomes, new


def attach_stored(ids: list, outcomes: list[BatchOutcome], queryset) -> list[BatchOutcome]:
    stored = queryset.in_bulk([i for i in ids if i], field_name="client_id")
    for client_id, outcome in zip(ids, outcomes, strict=True):
        if outcome.status != "refused":
            outcome.stored = stored[client_id]
    return outcomes


def activities_record_batch(*, user, entries: list[dict]) -> list[BatchOutcome]:
    """A phone's whole queue: each entry is stored, found stored already, or refused with its
    reasons, independently of the others. A dozen queries whatever the size: the client ids are
    looked up at once, units and teams once each, and the new activities written in bulk."""
    lookups = Lookups(user)
    ids, outcomes, new = sort_batch(
        entries, model=Activity, may_see_again=lambda existing: _may_see_again(lookups, existing),
        check=lambda data, client_id: _checked(data, lookups, client_id))
    if new:
        activities = [activity for activity, _services, _photo in new.values()]
        for activity, _services, photo in new.values():
            _save_photo(activity, photo)
        try:
            with transaction.atomic():
                Activity.objects.bulk_create(activities)
                Activity.services.through.objects.bulk_create([
                    Activity.services.through(activity_id=activity.pk, service_id=service.pk)
                    for activity, services, _photo in new.values() for service in services])
                tally_add([(activity, services) for activity, services, _photo in new.values()])
        except IntegrityError:
            # Another request stored some of these at the same moment: take them one by one,
            # which answers those as duplicates.
            _drop_photos(activities)
            return [one_by_one(activity_record, user, data) for data in entries]
    return attach_stored(ids, outcomes, Activity.objects.select_related("unit").prefetch_related("services"))


def one_by_one(record, user, data: dict) -> BatchOutcome:
    try:
        stored, created = record(user=user, data=data)
    except ValidationError as exc:
        return BatchOutcome(str(data.get("client_id", "")), "refused", errors=exc.message_dict)
    return BatchOutcome(str(data.get("client_id", "")), "stored" if created else "duplicate", stored)


def _drop_photos(activities: list[Activity]) -> None:
    for activity in activities:
        if activity.photo:
            default_storage.delete(activity.photo.name)


# The first bytes of the image types a phone's canvas makes, and the file ending kept.
PHOTO_TYPES = {b"\xff\xd8\xff": ".jpg", b"\x89PN": ".png", b"RIF": ".webp"}
MAX_PHOTO_BYTES = 300 * 1024


def photo_bytes(raw, errors: dict) -> bytes | None:
    """The photo sent as a data URL ("data:image/jpeg;base64,…"), resized on the phone."""
    if not raw:
        return None
    header, _sep, body = str(raw).partition(",")
    try:
        content = base64.b64decode(body, validate=True) if header.endswith(";base64") else b""
    except (binascii.Error, ValueError):
        content = b""
    if len(content) > MAX_PHOTO_BYTES:
        errors["photo"] = _("Ảnh lớn hơn 300 KB: hãy chọn lại để điện thoại thu nhỏ ảnh.")
        return None
    if content[:3] not in PHOTO_TYPES or (content[:3] == b"RIF" and content[8:12] != b"WEBP"):
        errors["photo"] = _("Ảnh không đọc được: hãy chụp hoặc chọn lại ảnh (JPG, PNG hoặc WebP).")
        return None
    return content


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
