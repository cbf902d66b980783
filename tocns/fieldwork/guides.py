"""The guides library: the province writes how-tos for the platforms the teams teach; members
read them on the phone, citizens on the public portal once published. Pictures stay small
(≤ 300 KB, like activity photos) because they are read on mobile data in the mountains."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.lib.text import fold
from tocns.reports.catalogue_scope import catalogue_owner, provinces_of
from tocns.reports.settings_selectors import province_administered_by

from .models import Guide, GuideFile, GuideStep
from .services import MAX_PHOTO_BYTES, PHOTO_TYPES

MAX_FILE_BYTES = 5 * 1024 * 1024
FILE_TYPES = {".pdf", ".docx", ".xlsx", ".pptx", ".jpg", ".jpeg", ".png"}
EDITABLE = ("title", "summary", "pillar", "official_url", "is_published")


def _audit(by, action: str, guide: Guide, summary: str) -> None:
    province = province_administered_by(by)
    audit_record(actor=by, action=action, obj=guide, summary=summary, province_id=province.pk if province else None)


def guides_for(user, *, query: str = "", pillar: str = "", province=None) -> QuerySet:
    """Published guides for everyone; drafts too for whoever writes them (the province admin his
    province's, the national role the national ones). A signed-in user reads the national guides and
    his provinces'; a visitor, every published guide (they are public), or with `province` (the
    province he chose on the portal) the national guides and that province's only."""
    owner = catalogue_owner(user) if getattr(user, "is_authenticated", False) else None
    guides = Guide.objects.filter(is_published=True)
    if owner is not None:
        drafts = Q(province=owner.province) if owner.province else Q(pk__in=[])
        guides = Guide.objects.filter(Q(is_published=True) | drafts | (
            Q(province__isnull=True) if owner.national else Q(pk__in=[])))
    if getattr(user, "is_authenticated", False):
        guides = guides.for_province(provinces_of(user))
    elif province is not None:
        guides = guides.for_province(province)
    if query:
        words = fold(query).split()
        for word in words:
            guides = guides.filter(Q(title_folded__contains=word) | Q(services__name__icontains=word)
                                   | Q(services__code__contains=word))
        guides = guides.distinct()
    if pillar:
        guides = guides.filter(pillar=pillar)
    return guides.prefetch_related("services")


@transaction.atomic
def guide_create(*, by, data: dict, services, submission_key: uuid.UUID, province=None) -> Guide:
    """A guide of the province (None: a national guide)."""
    guide, created = Guide.objects.get_or_create(submission_key=submission_key, defaults={
        **{name: data[name] for name in EDITABLE}, "updated_by": by, "province": province})
    if created:
        guide.services.set(services)
        _audit(by, "guide.create", guide, _("Viết hướng dẫn “%(title)s”") % {"title": guide.title})
    return guide


@transaction.atomic
def guide_update(*, by, guide: Guide, data: dict, services, was) -> Guide:
    """Refused if someone saved the guide after the page was opened (`was`), rather than overwritten."""
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if was is None or guide.version != was:
        raise ValidationError(_("Trong lúc bạn sửa, người khác đã lưu hướng dẫn này. Trang đã hiện lại bản mới "
                                "nhất; hãy xem rồi sửa lại."), code="stale")
    for name in EDITABLE:
        setattr(guide, name, data[name])
    guide.updated_by, guide.version = by, guide.version + 1
    guide.save()
    guide.services.set(services)
    _audit(by, "guide.update", guide, _("Sửa hướng dẫn “%(title)s”") % {"title": guide.title})
    return guide


def picture_checked(upload) -> bytes | None:
    if upload is None:
        return None
    content = upload.read()
    if len(content) > MAX_PHOTO_BYTES:
        raise ValidationError({"picture": [_("Hình lớn hơn 300 KB: hãy thu nhỏ (ví dụ chụp màn hình điện thoại "
                                             "rồi lưu dạng JPG) để người xem ở vùng sóng yếu tải được.")]})
    if content[:3] not in PHOTO_TYPES or (content[:3] == b"RIF" and content[8:12] != b"WEBP"):
        raise ValidationError({"picture": [_("Hình phải là JPG, PNG hoặc WebP.")]})
    return content


@transaction.atomic
def step_add(*, by, guide: Guide, text: str, picture, submission_key: uuid.UUID) -> GuideStep:
    existing = GuideStep.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Hãy viết nội dung bước.")]})
    content = picture_checked(picture)
    last = guide.steps.order_by("-order").values_list("order", flat=True).first() or 0
    step = GuideStep(guide=guide, order=last + 1, text=text, submission_key=submission_key)
    if content is not None:
        step.picture = default_storage.save(f"huong-dan/{guide.pk}/{submission_key}{PHOTO_TYPES[content[:3]]}",
                                            ContentFile(content))
    step.save()
    Guide.objects.filter(pk=guide.pk).update(updated_by=by)
    _audit(by, "guide.step_add", guide, _("Thêm bước %(n)s vào “%(title)s”") % {"n": step.order, "title": guide.title})
    return step


@transaction.atomic
def step_remove(*, by, guide: Guide, step_id: int) -> None:
    step = guide.steps.filter(pk=step_id).first()
    if step is not None:  # a retried removal finds nothing more to do
        step.delete()
        _audit(by, "guide.step_remove", guide, _("Bỏ một bước của “%(title)s”") % {"title": guide.title})


@transaction.atomic
def file_add(*, by, guide: Guide, upload, submission_key: uuid.UUID) -> GuideFile:
    existing = GuideFile.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    if upload is None:
        raise ValidationError({"file": [_("Hãy chọn tệp.")]})
    ending = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if ending not in FILE_TYPES:
        raise ValidationError({"file": [_("Chỉ nhận tệp PDF, Word, Excel, PowerPoint hoặc ảnh.")]})
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError({"file": [_("Tệp lớn hơn 5 MB.")]})
    attached = GuideFile(guide=guide, name=upload.name[:200], size=upload.size, submission_key=submission_key)
    attached.file.save(f"{guide.pk}-{submission_key}{ending}", upload, save=False)
    attached.save()
    _audit(by, "guide.file_add", guide, _("Đính kèm %(name)s") % {"name": attached.name})
    return attached


@transaction.atomic
def file_remove(*, by, guide: Guide, file_id: int) -> None:
    attached = guide.files.filter(pk=file_id).first()
    if attached is not None:
        attached.delete()
        _audit(by, "guide.file_remove", guide, _("Bỏ tệp %(name)s") % {"name": attached.name})
