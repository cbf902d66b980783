import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.fieldwork.models import Service, ServicePillar

from .models import DepartmentActivityKind

_DAY_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                                        "autocomplete": "off"})


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Tên sở, ban, ngành"), max_length=200,
                           error_messages={"required": _("Hãy nhập tên sở, ban, ngành.")})


class DepartmentUsersForm(forms.Form):
    users = forms.ModelMultipleChoiceField(label=_("Tài khoản của sở, ban, ngành"), queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = accounts
        self.fields["users"].label_from_instance = lambda user: f"{user.full_name} ({user.username})"


class DepartmentCommunesForm(forms.Form):
    communes = forms.ModelMultipleChoiceField(label=_("Các xã, phường được hỗ trợ"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = communes
        self.fields["communes"].label_from_instance = lambda unit: unit.name


class ServicesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, service):
        return service.name


class ActivityForm(forms.Form):
    """What a department did: phone-sized, the services grouped by pillar as in the teams' log."""

    kind = forms.ChoiceField(label=_("Hình thức"), choices=DepartmentActivityKind.choices,
                             widget=forms.RadioSelect, initial=DepartmentActivityKind.COMMUNE_SUPPORT,
                             error_messages={"required": _("Hãy chọn hình thức hoạt động.")})
    date = forms.DateField(label=_("Ngày"), widget=_DAY_WIDGET,
                           error_messages={"required": _("Hãy nhập ngày."),
                                           "invalid": _("Ngày viết theo dạng dd/mm/yyyy.")})
    commune = forms.ModelChoiceField(label=_("Xã, phường"), queryset=None, required=False,
                                     empty_label=_("Toàn tỉnh, không riêng xã nào"),
                                     error_messages={"invalid_choice": _("Hãy chọn một xã, phường trong danh sách.")})
    services = ServicesField(label=_("Dịch vụ số hướng tới"), queryset=Service.objects.filter(is_active=True),
                             error_messages={"required": _("Hãy chọn ít nhất một dịch vụ số mà hoạt động hướng tới."),
                                             "invalid_choice": _("Dịch vụ không có trong danh mục.")})
    description = forms.CharField(label=_("Nội dung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": _("Hãy ghi ngắn gọn đã làm gì.")},
                                  help_text=_("Ví dụ: Hội nghị quán triệt cho 45 cán bộ xã về VNeID mức 2."))
    people_reached = forms.IntegerField(label=_("Số người được tiếp cận"), min_value=0, max_value=100_000,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                                        error_messages={"required": _("Hãy nhập số người (0 nếu không tính được)."),
                                                        "invalid": _("Số người là một số nguyên."),
                                                        "min_value": _("Số người không được âm."),
                                                        "max_value": _("Số người quá lớn: hãy kiểm tra lại.")})
    attachment = forms.FileField(label=_("Tệp tài liệu (nếu có)"), required=False,
                                 help_text=_("PDF, Word, Excel, PowerPoint hoặc ảnh, tối đa 10 MB."))
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    was = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the version the page showed

    def __init__(self, *args, communes, province=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("submission_key", uuid.uuid4())
        initial.setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.for_province(province).filter(is_active=True)  # issue #18
        self.fields["commune"].queryset = communes
        self.fields["commune"].label_from_instance = lambda unit: unit.name
        if not communes.exists():
            del self.fields["commune"]

    def services_by_pillar(self):
        """The checkboxes of the services field, grouped under each pillar's heading."""
        pillar_of = dict(Service.objects.filter(is_active=True).values_list("pk", "pillar"))
        boxes = list(self["services"])
        return [(label, [box for box in boxes if pillar_of.get(int(str(box.data["value"]))) == value])
                for value, label in ServicePillar.choices]

    def activity_data(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "date": data["date"], "commune": data.get("commune"),
                "services": list(data["services"]), "description": data["description"],
                "people_reached": data["people_reached"]}


class PeriodForm(forms.Form):
    tu = forms.DateField(label=_("Từ ngày"), widget=_DAY_WIDGET, required=False,
                         error_messages={"invalid": _("Ngày viết theo dạng dd/mm/yyyy.")})
    den = forms.DateField(label=_("Đến ngày"), widget=_DAY_WIDGET, required=False,
                          error_messages={"invalid": _("Ngày viết theo dạng dd/mm/yyyy.")})

    def clean(self):
        data = super().clean()
        if data.get("tu") and data.get("den") and data["tu"] > data["den"]:
            self.add_error("den", _("Ngày cuối phải sau ngày đầu."))
        return data
