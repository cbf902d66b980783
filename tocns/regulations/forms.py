import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.lib.text import clean_spaces
from tocns.teams.forms import DECISION_NUMBER, check_signed_file

from .articles import articles_checked, normalized

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
TEXT_HELP = _("Mỗi điều bắt đầu một dòng bằng “Điều 1.”, “Điều 2.” …; chương viết “Chương I” "
              "và tên chương in hoa ở dòng dưới.")


def _date_field(label):
    return forms.DateField(label=label, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
                           error_messages={"required": _("Hãy nhập ngày (dd/mm/yyyy)."),
                                           "invalid": _("Ngày viết theo dạng dd/mm/yyyy.")})


def _articles(text: str) -> str:
    """The text normalized, its articles checked (an empty text is left to the service to judge)."""
    if not normalized(text):
        return ""
    try:
        return articles_checked(text)
    except ValidationError as exc:
        raise forms.ValidationError(exc.message_dict["text"]) from None


class VersionForm(forms.Form):
    label = forms.CharField(label=_("Phiên bản"), max_length=30, help_text=_("Ví dụ: 1, 2, 2026-1."),
                            error_messages={"required": _("Hãy ghi số phiên bản, ví dụ 1.")})
    title = forms.CharField(label=_("Tên quy chế mẫu"), max_length=300,
                            error_messages={"required": _("Hãy ghi tên quy chế mẫu.")})
    issued_on = _date_field(_("Ngày ban hành"))
    text = forms.CharField(label=_("Các điều của quy chế"), required=False, help_text=TEXT_HELP,
                           widget=forms.Textarea(attrs={"rows": 14}))
    file = forms.FileField(label=_("Tệp quy chế (Word .docx hoặc PDF, tối đa 10 MB; không bắt buộc)"), required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    was = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, version=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        if version is not None:
            self.fields.pop("label")
            self.fields["file"].label = _("Thay tệp quy chế (Word .docx hoặc PDF, tối đa 10 MB)")
            for name in ("title", "issued_on", "text"):
                self.initial.setdefault(name, getattr(version, name))
            self.initial["was"] = version.version

    def clean_issued_on(self):
        day = self.cleaned_data["issued_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày ban hành không được sau hôm nay."))
        return day

    def clean_text(self):
        return _articles(self.cleaned_data.get("text", ""))


class AdoptionTextForm(forms.Form):
    title = forms.CharField(label=_("Tên quy chế"), max_length=300,
                            error_messages={"required": _("Hãy ghi tên quy chế.")})
    text = forms.CharField(label=_("Các điều của quy chế (xã sửa cho phù hợp)"), required=False, help_text=TEXT_HELP,
                           widget=forms.Textarea(attrs={"rows": 16}))
    was = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, adoption=None, **kwargs):
        super().__init__(*args, **kwargs)
        if adoption is not None:
            for name in ("title", "text"):
                self.initial.setdefault(name, getattr(adoption, name))
            self.initial["was"] = adoption.version

    def clean_text(self):
        return _articles(self.cleaned_data.get("text", ""))


class AdoptionIssueForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50,
                                      widget=forms.TextInput(attrs={"placeholder": "45/QĐ-UBND"}),
                                      error_messages={"required": _("Hãy ghi số quyết định, ví dụ 45/QĐ-UBND.")})
    signed_on = _date_field(_("Ngày ký"))
    signer_name = forms.CharField(label=_("Người ký"), max_length=200,
                                  error_messages={"required": _("Hãy ghi họ tên người ký.")})
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, initial=_("Chủ tịch UBND xã"))
    signed_file = forms.FileField(label=_("Bản đã ký (PDF hoặc ảnh chụp, tối đa 10 MB)"),
                                  error_messages={"required": _("Hãy đính kèm bản quyết định đã ký.")})
    was = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_decision_number(self):
        number = clean_spaces(self.cleaned_data["decision_number"]).replace(" ", "").upper().replace("QD", "QĐ")
        DECISION_NUMBER(number)
        return number

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày ký không được sau hôm nay."))
        return day

    def clean_signed_file(self):
        return check_signed_file(self.cleaned_data["signed_file"])
