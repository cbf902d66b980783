"""Forms for the validation rule pages and the validation analysis. They read what was typed; the
rules live in validation.py, whose errors the views put beside the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import RuleOperator, RuleStrength
from .models import ReportForm

EXPRESSION_ATTRS = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


class ReportFormChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Tên quy tắc"), max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: Hộ nghèo và cận nghèo")}),
                           error_messages={"required": _("Hãy đặt tên cho quy tắc.")})
    left = forms.CharField(label=_("Vế trái"), max_length=500, widget=forms.TextInput(attrs=EXPRESSION_ATTRS),
                           help_text=_("Mã chỉ số, số và các dấu + − × ÷ ( ), ví dụ HN + HCN."),
                           error_messages={"required": _("Hãy nhập biểu thức (ví dụ: HN + HCN).")})
    operator = forms.ChoiceField(label=_("Phép so sánh"), choices=RuleOperator.choices,
                                 error_messages={"required": _("Hãy chọn phép so sánh."),
                                                 "invalid_choice": _("Hãy chọn phép so sánh.")})
    right = forms.CharField(label=_("Vế phải"), max_length=500, widget=forms.TextInput(attrs=EXPRESSION_ATTRS),
                            help_text=_("Với “trong khoảng”: giới hạn dưới."),
                            error_messages={"required": _("Hãy nhập biểu thức (ví dụ: HO).")})
    right_high = forms.CharField(label=_("Giới hạn trên (chỉ với “trong khoảng”)"), max_length=500, required=False,
                                 widget=forms.TextInput(attrs=EXPRESSION_ATTRS),
                                 help_text=_("Vế phải ≤ vế trái ≤ giới hạn trên. Để trống với phép so sánh khác."))
    strength = forms.ChoiceField(label=_("Mức"), choices=RuleStrength.choices, widget=forms.RadioSelect,
                                 initial=RuleStrength.BLOCK,
                                 error_messages={"required": _("Hãy chọn mức: chặn hoặc cảnh báo."),
                                                 "invalid_choice": _("Hãy chọn mức: chặn hoặc cảnh báo.")})
    message = forms.CharField(label=_("Thông báo khi số liệu sai quy tắc"), max_length=300,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Tổ trưởng đọc câu này bên cạnh ô số liệu. Viết tiếng Việt có dấu."),
                              error_messages={"required": _("Hãy viết thông báo tổ sẽ đọc khi số liệu sai quy tắc.")})
    form = ReportFormChoiceField(label=_("Chỉ áp dụng cho mẫu"), queryset=ReportForm.objects.none(), required=False,
                                 empty_label=_("— Mọi mẫu có đủ các chỉ số của quy tắc —"),
                                 error_messages={"invalid_choice": _("Hãy chọn mẫu trong danh sách.")})
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Every form of the rule's catalogue, not only those in use: a rule kept for a form that was
        # set aside still edits. A national rule names national forms only.
        forms = ReportForm.objects.for_province(province) if province else ReportForm.objects.national()
        self.fields["form"].queryset = forms.order_by("-is_active", "level", "code")

    @classmethod
    def initial_from(cls, rule) -> dict:
        return {"name": rule.name, "left": rule.left, "operator": rule.operator, "right": rule.right,
                "right_high": rule.right_high, "strength": rule.strength, "message": rule.message,
                "form": rule.form_id, "version": rule.version}

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in
                ("name", "left", "operator", "right", "right_high", "strength", "message", "form")}
