"""Managing departments (the province admin) and recording their activities (the department's
users). Each runs in a transaction and is recorded in the audit log; a retried save (same
submission key) makes one activity; an edit made on an outdated page is refused."""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.audit.services import audit_record
from tocns.fieldwork.models import Service
from tocns.geo.models import AdminUnit

from .models import Department, DepartmentActivity, DepartmentActivityKind

MATERIAL_TYPES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".jpg", ".jpeg", ".png"}
MATERIAL_MAX = 10 * 1024 * 1024
MAX_PEOPLE = 100_000
# What each kind of file starts with: a file renamed to look like a PDF is refused.
_MAGIC = {".pdf": (b"%PDF",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG",),
          ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".pptx": (b"PK\x03\x04",),
          ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",), ".ppt": (b"\xd0\xcf\x11\xe0",)}


def check_material_file(upload):
    """Materials are kept as PDF, Word, Excel, PowerPoint or a photo, at most 10 MB."""
    name = upload.name.lower()
    ext = next((ext for ext in MATERIAL_TYPES if name.endswith(ext)), None)
    if ext is None:
        raise ValidationError({"attachment": [_("Chỉ nhận tệp PDF, Word, Excel, PowerPoint, JPG hoặc PNG.")]})
    if upload.size > MATERIAL_MAX:
        raise ValidationError({"attachment": [_("Tệp lớn hơn 10 MB: hãy nén hoặc chia nhỏ tệp.")]})
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(_MAGIC[ext]):
        raise ValidationError({"attachment": [_("Tệp không đọc được hoặc không đúng loại %(ext)s.") % {
            "ext": ext.lstrip(".").upper()}]})
    return upload


# ---- departments (the province admin) ---------------------------------------------------------

@transaction.atomic
def department_add(*, by, province: AdminUnit, name: str) -> Department:
    """A department or sector of the province; the same name again finds the one already there."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [_("Hãy nhập tên sở, ban, ngành.")]})
    department, created = Department.objects.get_or_create(province=province, name=name)
    if created:
        audit_record(actor=by, action="department.add", obj=department, province_id=province.pk,
                     summary=_("Thêm sở, ban, ngành %(name)s") % {"name": name})
    return department


@transaction.atomic
def department_users_set(*, by, department: Department, users) -> None:
    """Which department-role accounts of the province act for this department. An account acts
    for one department only."""
    users = list(users)
    allowed = set(Assignment.objects.active().filter(
        role=Role.DEPARTMENT, unit__province_id=department.province_id).values_list("user_id", flat=True))
    wrong = [user for user in users if user.pk not in allowed]
    if wrong:
        raise ValidationError({"users": [_("%(name)s không giữ vai trò Sở, ban, ngành trong tỉnh.") % {
            "name": wrong[0].full_name}]})
    elsewhere = Department.objects.filter(users__in=users).exclude(pk=department.pk).first()
    if elsewhere is not None:
        other = elsewhere.users.filter(pk__in=[user.pk for user in users]).first()
        raise ValidationError({"users": [_("%(user)s đang làm việc cho %(department)s: hãy bỏ ở đó trước.") % {
            "user": other.full_name, "department": elsewhere.name}]})
    before = set(department.users.values_list("pk", flat=True))
    after = {user.pk for user in users}
    if before != after:
        department.users.set(after)
        audit_record(actor=by, action="department.users", obj=department, province_id=department.province_id,
                     summary=_("Đổi tài khoản của %(name)s: %(n)s tài khoản") % {"name": department.name,
                                                                               "n": len(after)},
                     data={"before": sorted(before), "after": sorted(after)})


@transaction.atomic
def department_communes_set(*, by, department: Department, communes) -> None:
    """The communes the department supports (their overview is what its users see)."""
    communes = list(communes)
    if any(not unit.is_commune or unit.province_id != department.province_id for unit in communes):
        raise ValidationError({"communes": [_("Chỉ chọn được xã, phường của tỉnh.")]})
    before = set(department.communes.values_list("pk", flat=True))
    after = {unit.pk for unit in communes}
    if before != after:
        department.communes.set(after)
        audit_record(actor=by, action="department.communes", obj=department, province_id=department.province_id,
                     summary=_("Đổi các xã, phường %(name)s hỗ trợ: %(n)s xã, phường") % {
                         "name": department.name, "n": len(after)},
                     data={"added": sorted(after - before), "removed": sorted(before - after)})


# ---- activities (the department's users) ------------------------------------------------------

def _checked(department: Department, data: dict) -> dict:
    """The activity's fields, checked; every problem is reported at once, next to its field."""
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind not in DepartmentActivityKind.values:
        errors["kind"] = [_("Hãy chọn hình thức hoạt động.")]
    day = data.get("date")
    if not isinstance(day, date):
        errors["date"] = [_("Hãy nhập ngày, dạng dd/mm/yyyy.")]
    elif day > timezone.localdate():
        errors["date"] = [_("Ngày hoạt động không được sau hôm nay.")]
    commune = data.get("commune")
    if commune is not None and not department.communes.filter(pk=commune.pk).exists():
        errors["commune"] = [_("Chỉ chọn được xã, phường mà đơn vị bạn được giao hỗ trợ.")]
    services = list(data.get("services") or [])
    if not services:
        errors["services"] = [_("Hãy chọn ít nhất một dịch vụ số mà hoạt động hướng tới.")]
    elif any(not isinstance(service, Service) for service in services):
        errors["services"] = [_("Dịch vụ không có trong danh mục.")]
    description = " ".join((data.get("description") or "").split())
    if not description:
        errors["description"] = [_("Hãy ghi ngắn gọn đã làm gì.")]
    people = data.get("people_reached")
    if not isinstance(people, int) or people < 0:
        errors["people_reached"] = [_("Số người là số nguyên, không âm (0 nếu không tính được).")]
    elif people > MAX_PEOPLE:
        errors["people_reached"] = [_("Số người quá lớn: hãy kiểm tra lại.")]
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "date": day, "commune": commune, "services": services, "description": description,
            "people_reached": people}


def _summary(activity: DepartmentActivity) -> str:
    return _("%(kind)s ngày %(day)s, %(n)s người") % {
        "kind": activity.get_kind_display(), "day": activity.date.strftime("%d/%m/%Y"), "n": activity.people_reached}


@transaction.atomic
def activity_record(*, by, department: Department, data: dict, submission_key: uuid.UUID,
                    attachment=None) -> tuple[DepartmentActivity, bool]:
    """Store one activity of the department. Returns (activity, created): a retried save with the
    same key returns the activity stored the first time."""
    existing = DepartmentActivity.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.department_id != department.pk:
            raise ValidationError(_("Mã lưu này đã dùng: hãy tải lại trang rồi ghi lại."))
        return existing, False
    clean = _checked(department, data)
    if attachment:
        check_material_file(attachment)
    activity = DepartmentActivity(department=department, province_id=department.province_id,
                                  commune=clean["commune"], kind=clean["kind"], date=clean["date"],
                                  description=clean["description"], people_reached=clean["people_reached"],
                                  submission_key=submission_key, recorded_by=by)
    if attachment:
        activity.attachment = attachment
    activity.save()
    activity.services.set(clean["services"])
    audit_record(actor=by, action="department_activity.create", obj=activity,
                 summary=_("%(department)s ghi hoạt động: %(what)s") % {"department": department.name,
                                                                       "what": _summary(activity)},
                 data={"department": department.pk})
    return activity, True


@transaction.atomic
def activity_update(*, by, activity: DepartmentActivity, data: dict, was, attachment=None) -> DepartmentActivity:
    """Change an activity. `was` is the version the page showed: if someone saved since, the change
    is refused so that theirs is not silently overwritten. A new file replaces the old one."""
    activity = DepartmentActivity.objects.select_for_update().get(pk=activity.pk)
    if was is None or activity.version != was:
        raise ValidationError(_("Trong lúc bạn sửa, người khác đã lưu hoạt động này. Trang đã hiện lại bản mới "
                                "nhất; hãy xem rồi sửa lại."), code="stale")
    clean = _checked(activity.department, data)
    if attachment:
        check_material_file(attachment)
    changed = {}
    for name in ("kind", "date", "description", "people_reached"):
        if getattr(activity, name) != clean[name]:
            changed[name] = [str(getattr(activity, name)), str(clean[name])]
            setattr(activity, name, clean[name])
    if activity.commune_id != (clean["commune"].pk if clean["commune"] else None):
        changed["commune"] = [activity.commune_id, clean["commune"].pk if clean["commune"] else None]
        activity.commune = clean["commune"]
    before = set(activity.services.values_list("pk", flat=True))
    after = {service.pk for service in clean["services"]}
    if before != after:
        changed["services"] = [sorted(before), sorted(after)]
    if attachment:
        changed["attachment"] = [activity.file_name, attachment.name]
        activity.attachment = attachment
    if not changed:
        return activity
    activity.version += 1
    activity.save()
    if before != after:
        activity.services.set(after)
    audit_record(actor=by, action="department_activity.update", obj=activity,
                 summary=_("Sửa hoạt động của %(department)s: %(what)s") % {
                     "department": activity.department.name, "what": _summary(activity)},
                 data={"changed": changed})
    return activity
