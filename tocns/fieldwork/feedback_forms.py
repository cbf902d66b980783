from django import forms
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit

from .models import FeedbackKind, Service


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=FeedbackKind.choices, initial=FeedbackKind.OPINION)
    unit = forms.ModelChoiceField(label=_("Thôn, tổ dân phố"), queryset=AdminUnit.objects.none(),
                                  empty_label=_("— Chọn thôn —"),
                                  error_messages={"required": _("Hãy chọn thôn, tổ dân phố.")})
    service = forms.ModelChoiceField(label=_("Về dịch vụ số nào (nếu biết)"), queryset=Service.objects.none(),
                                     required=False, empty_label=_("— Không rõ / khác —"))
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                              error_messages={"required": _("Hãy viết nội dung.")})
    citizen_name = forms.CharField(label=_("Họ tên (không bắt buộc)"), required=False, max_length=200)
    citizen_phone = forms.CharField(label=_("Số điện thoại để được trả lời (không bắt buộc)"), required=False,
                                    max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    consent = forms.BooleanField(label=_("Tôi đồng ý để cán bộ xã lưu họ tên, số điện thoại này chỉ để trả lời ý "
                                         "kiến; thông tin không được công khai."), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, commune: AdminUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = commune.children.active().order_by("name_folded")
        self.fields["service"].queryset = Service.objects.for_province(commune).filter(is_active=True).order_by(
            "pillar", "order")


class FieldworkRulesForm(forms.Form):
    """The province's deadline for answering feedback. `was` carries the number the page was built on,
    so a change made meanwhile by another admin is not overwritten."""

    feedback_answer_days = forms.IntegerField(
        label=_("Số ngày phải trả lời ý kiến"), min_value=1, max_value=90,
        help_text=_("Từ 1 đến 90 ngày, tính từ ngày tiếp nhận ý kiến."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Hãy nhập số ngày."), "invalid": _("Số ngày viết bằng chữ số, từ 1 đến 90."),
                        "min_value": _("Số ngày từ 1 đến 90."), "max_value": _("Số ngày từ 1 đến 90.")})
    was = forms.IntegerField(widget=forms.HiddenInput, required=False)
