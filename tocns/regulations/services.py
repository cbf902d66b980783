"""Changing the model regulation and the communes' adoptions.

Each function runs in one transaction and writes its audit record in it; a refused change raises a
ValidationError with a Vietnamese message (keyed by the form field it is about) and writes nothing.
A retried create (the same `submission_key`) returns what the first one made; an edit carries the
version the page showed (`was`) and is refused if someone saved since."""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.teams.models import Decision

from .articles import articles_checked, normalized
from .models import Adoption, AdoptionStatus, RegulationVersion

MODEL_FILE_TYPES = {".docx": b"PK\x03\x04", ".pdf": b"%PDF"}
MODEL_FILE_MAX = 10 * 1024 * 1024


def model_file_checked(upload):
    """The model's own file: a Word (.docx) or PDF file, at most 10 MB, whose first bytes agree with its name."""
    if upload is None:
        return None
    name = upload.name.lower()
    ending = next((ext for ext in MODEL_FILE_TYPES if name.endswith(ext)), None)
    if ending is None:
        raise ValidationError({"file": [_("Chỉ nhận tệp Word (.docx) hoặc PDF.")]})
    if upload.size > MODEL_FILE_MAX:
        raise ValidationError({"file": [_("Tệp lớn hơn 10 MB.")]})
    head = upload.read(4)
    upload.seek(0)
    if not head.startswith(MODEL_FILE_TYPES[ending]):
        raise ValidationError({"file": [_("Tệp không phải Word (.docx) hoặc PDF thật: hãy lưu lại rồi chọn lại.")]})
    return upload


def _stale(what: str) -> ValidationError:
    return ValidationError(_("Trong lúc bạn sửa, người khác đã lưu %(what)s. Trang đã hiện lại bản mới nhất; "
                             "hãy xem rồi sửa lại.") % {"what": what}, code="stale")


# ---- the model ---------------------------------------------------------------------------------

@transaction.atomic
def version_publish(*, province: AdminUnit, label: str, title: str, issued_on: date, text: str = "",
                    file=None, submission_key: uuid.UUID, by) -> RegulationVersion:
    """Publish a new version of the model; it supersedes the ones before (which are kept)."""
    existing = RegulationVersion.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    label, title = " ".join(label.split()), " ".join(title.split())
    if RegulationVersion.objects.filter(province=province, label__iexact=label).exists():
        raise ValidationError({"label": [_("Đã có phiên bản %(label)s: hãy đặt số phiên bản khác.") % {
            "label": label}]})
    text = articles_checked(text) if normalized(text) else ""
    file = model_file_checked(file)
    if not text and file is None:
        raise ValidationError({"text": [_("Hãy nhập các điều của quy chế, hoặc đính kèm tệp Word/PDF, hoặc cả hai.")]})
    version = RegulationVersion(province=province, label=label, title=title, issued_on=issued_on, text=text,
                                published_by=by, submission_key=submission_key)
    if file is not None:
        version.file.save(f"quy-che-mau-{submission_key}{file.name[file.name.rfind('.'):].lower()}", file,
                          save=False)
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:  # the same label published at the same moment
        raise ValidationError({"label": [_("Đã có phiên bản %(label)s: hãy đặt số phiên bản khác.") % {
            "label": label}]}) from None
    audit_record(actor=by, action="regulation.publish", obj=version, province_id=province.pk,
                 summary=_("Ban hành quy chế mẫu phiên bản %(label)s") % {"label": label})
    return version


@transaction.atomic
def version_update(*, version: RegulationVersion, title: str, issued_on: date, text: str = "", file=None,
                   was, by) -> RegulationVersion:
    """Correct a published version (a typo, the file). Communes that adopted it keep their own text."""
    version = RegulationVersion.objects.select_for_update().get(pk=version.pk)
    if was is None or version.version != was:
        raise _stale(_("quy chế mẫu này"))
    text = articles_checked(text) if normalized(text) else ""
    file = model_file_checked(file)
    if not text and file is None and not version.file:
        raise ValidationError({"text": [_("Hãy nhập các điều của quy chế, hoặc đính kèm tệp Word/PDF, hoặc cả hai.")]})
    changed = [name for name, new in (("title", " ".join(title.split())), ("issued_on", issued_on), ("text", text))
               if getattr(version, name) != new]
    version.title, version.issued_on, version.text = " ".join(title.split()), issued_on, text
    if file is not None:
        version.file.save(f"quy-che-mau-{uuid.uuid4()}{file.name[file.name.rfind('.'):].lower()}", file, save=False)
        changed.append("file")
    if not changed:
        return version
    version.version += 1
    version.updated_by = by
    version.save()
    audit_record(actor=by, action="regulation.update", obj=version, province_id=version.province_id,
                 summary=_("Sửa quy chế mẫu phiên bản %(label)s") % {"label": version.label},
                 data={"changed": changed})
    return version


# ---- a commune's adoption ----------------------------------------------------------------------

@transaction.atomic
def adoption_start(*, commune: AdminUnit, base: RegulationVersion, submission_key: uuid.UUID, by) -> Adoption:
    """Start the commune's regulation from a model version: its title and articles are copied, to adapt."""
    existing = Adoption.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    if base.province_id != commune.province_id:
        raise ValidationError(_("Bản mẫu này không phải của tỉnh có xã này."))
    AdminUnit.objects.select_for_update().filter(pk=commune.pk).first()  # one start at a time per commune
    if Adoption.objects.filter(commune=commune, status=AdoptionStatus.DRAFT).exists():
        raise ValidationError(_("Xã đang soạn một quy chế: hãy hoàn thành hoặc bỏ bản đó trước."), code="draft_exists")
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(
                province_id=commune.province_id, commune=commune, base=base, title=base.title, text=base.text,
                created_by=by, submission_key=submission_key)
    except IntegrityError:  # the same POST twice at once, or another draft started at the same moment
        existing = Adoption.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
        raise ValidationError(_("Xã đang soạn một quy chế: hãy hoàn thành hoặc bỏ bản đó trước."),
                              code="draft_exists") from None
    audit_record(actor=by, action="regulation.adopt_start", obj=adoption,
                 summary=_("Bắt đầu soạn quy chế của %(commune)s theo bản mẫu phiên bản %(label)s") % {
                     "commune": commune.name, "label": base.label})
    return adoption


def _draft_locked(adoption: Adoption, was) -> Adoption:
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
    if adoption.status != AdoptionStatus.DRAFT:
        raise ValidationError(_("Quy chế này đã %(status)s: không sửa được nữa.") % {
            "status": adoption.get_status_display().lower()}, code="closed")
    if was is None or adoption.version != was:
        raise _stale(_("quy chế này"))
    return adoption


@transaction.atomic
def adoption_update(*, adoption: Adoption, title: str, text: str, was, by) -> Adoption:
    """Save the commune's adapted text (only while it is a draft)."""
    adoption = _draft_locked(adoption, was)
    title = " ".join(title.split())
    text = articles_checked(text) if normalized(text) or not adoption.base.file else ""
    if (adoption.title, adoption.text) == (title, text):
        return adoption
    adoption.title, adoption.text = title, text
    adoption.version += 1
    adoption.save(update_fields=["title", "text", "version", "updated_at"])
    audit_record(actor=by, action="regulation.adopt_edit", obj=adoption,
                 summary=_("Sửa nội dung quy chế của %(commune)s") % {"commune": adoption.commune.name})
    return adoption


@transaction.atomic
def adoption_issue(*, adoption: Adoption, decision_number: str, signed_on: date, signer_name: str,
                   signer_title: str, signed_file, was, by) -> Adoption:
    """Record the chairman's signed decision with its scan: the adoption is closed, in force from `signed_on`."""
    adoption = _draft_locked(adoption, was)
    if signed_file is None:
        raise ValidationError({"signed_file": [_("Hãy đính kèm bản quyết định đã ký (PDF hoặc ảnh chụp).")]})
    if signed_on < adoption.base.issued_on:
        raise ValidationError({"signed_on": [_("Ngày ký không được trước ngày ban hành bản mẫu (%(day)s).") % {
            "day": adoption.base.issued_on.strftime("%d/%m/%Y")}]})
    if not normalized(adoption.text) and not adoption.base.file:
        raise ValidationError(_("Quy chế chưa có điều nào: hãy soạn nội dung trước khi ghi quyết định."))
    taken = (Adoption.objects.filter(commune=adoption.commune, decision_number__iexact=decision_number,
                                     signed_on__year=signed_on.year).exclude(pk=adoption.pk).exists()
             or Decision.objects.filter(commune=adoption.commune, number__iexact=decision_number,
                                        signed_on__year=signed_on.year).exists())
    if taken:
        raise ValidationError({"decision_number": [_("Số quyết định %(number)s năm %(year)s đã được ghi cho xã này.")
                                                   % {"number": decision_number, "year": signed_on.year}]})
    adoption.decision_number, adoption.signed_on = decision_number, signed_on
    adoption.signer_name, adoption.signer_title = " ".join(signer_name.split()), " ".join(signer_title.split())
    ending = signed_file.name[signed_file.name.rfind("."):].lower()
    adoption.signed_file.save(f"qd-quy-che-{adoption.commune.code}-{adoption.pk}{ending}", signed_file, save=False)
    adoption.status, adoption.issued_by, adoption.issued_at = AdoptionStatus.ISSUED, by, timezone.now()
    adoption.version += 1
    adoption.save()
    audit_record(actor=by, action="regulation.adopt_issue", obj=adoption,
                 summary=_("Ghi Quyết định %(number)s ban hành quy chế của %(commune)s") % {
                     "number": decision_number, "commune": adoption.commune.name},
                 data={"base": adoption.base.label, "signed_on": signed_on.isoformat()})
    return adoption


@transaction.atomic
def adoption_withdraw(*, adoption: Adoption, was, by) -> Adoption:
    """Set a draft aside (kept, marked "Đã bỏ"), for instance to start again from a newer model."""
    adoption = _draft_locked(adoption, was)
    adoption.status = AdoptionStatus.WITHDRAWN
    adoption.version += 1
    adoption.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=by, action="regulation.adopt_withdraw", obj=adoption,
                 summary=_("Bỏ bản đang soạn quy chế của %(commune)s") % {"commune": adoption.commune.name})
    return adoption
