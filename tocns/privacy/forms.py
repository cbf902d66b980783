from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ConsentPurpose, RequestKind

_DAY_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Người này yêu cầu"), choices=RequestKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Hãy chọn loại yêu cầu.")})
    purpose = forms.ChoiceField(label=_("Sự đồng ý muốn rút (khi yêu cầu rút lại sự đồng ý)"), required=False,
                                choices=[("", "—")] + list(ConsentPurpose.choices))
    details = forms.CharField(label=_("Nội dung yêu cầu (dữ liệu nào, sửa thành gì …)"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label=_("Ngày nhận yêu cầu"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                  widget=_DAY_WIDGET,
                                  error_messages={"invalid": _("Ghi ngày theo dạng dd/mm/yyyy, ví dụ 05/11/2026."),
                                                  "required": _("Hãy ghi ngày nhận yêu cầu.")})
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class CompleteForm(forms.Form):
    answer = forms.CharField(label=_("Đã làm gì (ghi để trả lời người yêu cầu)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Lý do từ chối"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Hãy ghi lý do từ chối: người yêu cầu sẽ được trả lời "
                                                           "lý do này.")})


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(label=_("Tôi hiểu: việc ẩn danh không hoàn tác được."),
                                 error_messages={"required": _("Hãy đánh dấu ô này để xác nhận.")})
