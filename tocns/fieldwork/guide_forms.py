import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Service, ServicePillar


class GuideForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=200,
                            error_messages={"required": _("Hãy đặt tiêu đề, ví dụ “Kích hoạt VNeID mức 2”.")})
    summary = forms.CharField(label=_("Tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    pillar = forms.ChoiceField(label=_("Lĩnh vực"), choices=ServicePillar.choices)
    services = forms.ModelMultipleChoiceField(label=_("Dịch vụ"), required=False, widget=forms.CheckboxSelectMultiple,
                                              queryset=Service.objects.filter(is_active=True))
    official_url = forms.URLField(label=_("Trang chính thức của nền tảng"), required=False, assume_scheme="https",
                                  help_text=_("Ví dụ https://dichvucong.gov.vn hoặc https://binhdanhocvuso.gov.vn"),
                                  error_messages={"invalid": _("Đường dẫn chưa đúng, ví dụ https://…")})
    is_published = forms.BooleanField(label=_("Công bố (người dân xem được)"), required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    was = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the version the page showed

    def __init__(self, *args, guide=None, province=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("submission_key", uuid.uuid4())
        if guide is not None:
            initial.update({"title": guide.title, "summary": guide.summary, "pillar": guide.pillar,
                            "services": list(guide.services.all()), "official_url": guide.official_url,
                            "is_published": guide.is_published,
                            "was": guide.version})
        super().__init__(*args, **kwargs)
        # The services of the guide's catalogue: national ones, and the province's for its own guide.
        self.fields["services"].queryset = Service.objects.for_province(
            guide.province_id if guide is not None else province).filter(is_active=True)


class StepForm(forms.Form):
    text = forms.CharField(label=_("Nội dung bước"), widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Hãy viết nội dung bước.")})
    picture = forms.FileField(label=_("Hình minh họa (không bắt buộc, tối đa 300 KB)"), required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class FileForm(forms.Form):
    file = forms.FileField(label=_("Tệp đính kèm (PDF, Word, Excel, PowerPoint, ảnh; tối đa 5 MB)"),
                           error_messages={"required": _("Hãy chọn tệp.")})
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
