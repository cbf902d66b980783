import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit

from .models import SupportKind

DATE_INPUTS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Cần hỗ trợ về"), choices=SupportKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Hãy chọn cần hỗ trợ về việc gì.")})
    unit = forms.ModelChoiceField(label=_("Nơi cần hỗ trợ"), queryset=AdminUnit.objects.none(),
                                  error_messages={"required": _("Hãy chọn thôn hoặc xã cần hỗ trợ."),
                                                  "invalid_choice": _("Hãy chọn thôn hoặc xã cần hỗ trợ.")})
    partner = forms.ModelChoiceField(label=_("Gửi đến doanh nghiệp"), queryset=None,
                                     error_messages={"required": _("Hãy chọn doanh nghiệp."),
                                                     "invalid_choice": _("Hãy chọn doanh nghiệp.")})
    description = forms.CharField(label=_("Nội dung đề nghị"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("Cần gì, bao nhiêu, cho ai; ví dụ: 5 SIM cho người cao tuổi thôn "
                                              "Nà Khà chưa có số điện thoại chính chủ."),
                                  error_messages={"required": _("Hãy viết rõ cần hỗ trợ gì.")})
    wanted_by = forms.DateField(label=_("Mong được hỗ trợ trước ngày"), required=False, input_formats=DATE_INPUTS,
                                widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
                                error_messages={"invalid": _("Ngày viết theo dạng dd/mm/yyyy.")})
    photo = forms.FileField(label=_("Một ảnh (không bắt buộc)"), required=False,
                            help_text=_("Ảnh được thu nhỏ trên điện thoại trước khi gửi (tối đa 300 KB)."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    photo_data = forms.CharField(required=False, widget=forms.HiddenInput)  # filled by support/photo.js
    submission_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, units, partners, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = AdminUnit.objects.filter(pk__in=[u.pk for u in units]).order_by(
            "kind", "name_folded")
        self.fields["partner"].queryset = partners
        self.fields["partner"].empty_label = _("– Chọn doanh nghiệp –")
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        if partners.count() == 1:
            self.fields["partner"].initial = partners.first().pk
            self.fields["partner"].empty_label = None


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Trả lời"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Đã làm gì, hẹn khi nào, ai liên hệ."),
                             error_messages={"required": _("Hãy ghi nội dung trả lời (đã làm gì, hẹn khi nào).")})
    version = forms.IntegerField(widget=forms.HiddenInput)


class RulesForm(forms.Form):
    answer_working_days = forms.IntegerField(label=_("Số ngày làm việc doanh nghiệp có để trả lời"),
                                             min_value=1, max_value=30,
                                             error_messages={"required": _("Hãy nhập số ngày."),
                                                             "invalid": _("Hãy nhập một số nguyên."),
                                                             "min_value": _("Số ngày từ 1 đến 30."),
                                                             "max_value": _("Số ngày từ 1 đến 30.")})
    was = forms.IntegerField(widget=forms.HiddenInput)


class CommunesForm(forms.Form):
    communes = forms.ModelMultipleChoiceField(label=_("Các xã, phường doanh nghiệp phục vụ"),
                                              queryset=AdminUnit.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    was = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = AdminUnit.objects.filter(parent=province).communes().active().order_by(
            "name_folded")

    def clean_was(self):
        return [int(v) for v in self.cleaned_data["was"].split(",") if v.strip().isdigit()]
