"""Forms for the catalogue, targets and ad-hoc request pages (report forms: form_forms.py). They read
what was typed; the rules live in catalogue.py, whose errors the views put next to the field they name."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit

from .catalogue import check_year, once_forms, parse_target
from .choices import Aggregation, Pillar, ValueType, Visibility
from .models import Indicator

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label, **extra):
    return forms.DateField(label=label, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"},
                                                  format="%d/%m/%Y"),
                           error_messages={"invalid": _("Ngày viết theo dạng dd/mm/yyyy."),
                                           "required": _("Hãy nhập ngày.")}, **extra)


def _number_field(label, *, error_messages=None, **extra):
    return forms.DecimalField(label=label, localize=True, max_digits=14, decimal_places=2,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                              error_messages={"invalid": _("Hãy nhập một số (ví dụ 12 hoặc 2,5)."),
                                              **(error_messages or {})}, **extra)


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.name}"


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=20, help_text=_("Ví dụ CQ05. Không đổi được khi đã có số liệu."),
                           error_messages={"required": _("Hãy nhập mã chỉ số.")})
    name = forms.CharField(label=_("Tên chỉ số"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Hãy nhập tên chỉ số.")})
    pillar = forms.ChoiceField(label=_("Lĩnh vực"), choices=Pillar.choices)
    aggregation = forms.ChoiceField(label=_("Cách tổng hợp"), choices=Aggregation.choices,
                                    help_text=_("Cộng dồn: số việc làm trong kỳ. Số cuối kỳ: số hiện có (ví dụ số hộ "
                                                "có cáp quang). Tỷ lệ: tính từ tử số và mẫu số."))
    value_type = forms.ChoiceField(label=_("Kiểu số"), choices=ValueType.choices)
    unit_of_measure = forms.CharField(label=_("Đơn vị tính"), max_length=30, required=False,
                                      help_text=_("người, hộ, hồ sơ, buổi…"))
    numerator = IndicatorChoiceField(label=_("Tử số (chỉ với tỷ lệ)"), queryset=Indicator.objects.none(),
                                     required=False, empty_label="—")
    denominator = IndicatorChoiceField(label=_("Mẫu số (chỉ với tỷ lệ)"), queryset=Indicator.objects.none(),
                                       required=False, empty_label="—")
    min_value = _number_field(_("Giá trị nhỏ nhất"), required=False, help_text=_("Để trống nếu không giới hạn."))
    max_value = _number_field(_("Giá trị lớn nhất"), required=False, help_text=_("Để trống nếu không giới hạn."))
    outlier_factor = _number_field(_("Cảnh báo khi cao gấp (lần mức thường)"),
                                   help_text=_("Tổ phải ghi giải thích khi số vượt mức này."),
                                   error_messages={"required": _("Hãy nhập hệ số cảnh báo (ví dụ 3)."),
                                                   "invalid": _("Hãy nhập một số (ví dụ 3).")})
    description = forms.CharField(label=_("Hướng dẫn ghi"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # One line under each choice says who sees the figures.
    visibility = forms.ChoiceField(
        label=_("Ai được xem số liệu"), widget=forms.RadioSelect, initial=Visibility.NORMAL, required=False,
        choices=[(Visibility.NORMAL, _("Bình thường: cán bộ và các tổ xem như mọi chỉ số.")),
                 (Visibility.PUBLIC, _("Công khai: tổng số mới nhất của xã và của tỉnh hiện trên trang dành cho "
                                       "người dân.")),
                 (Visibility.SENSITIVE, _("Nhạy cảm: chỉ cán bộ xã, Chủ tịch UBND xã, quản trị cấp tỉnh và tổ "
                                          "trưởng nhập số được xem; không đưa vào tin Zalo, trang công khai; tệp "
                                          "xuất chỉ kèm khi người xuất chọn."))],
        error_messages={"invalid_choice": _("Hãy chọn Bình thường, Công khai hoặc Nhạy cảm.")})

    LOCKABLE = ("code", "value_type", "aggregation", "numerator", "denominator")

    def __init__(self, *args, locked: bool = False, instance: Indicator | None = None, province=None,
                 read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A ratio's parts come from the catalogue the indicator belongs to (national: national only).
        parts = Indicator.objects.for_province(province).exclude(aggregation=Aggregation.RATIO)
        if not locked:  # a locked ratio keeps its parts even if one was retired since
            parts = parts.filter(retired_on__isnull=True)
        if instance is not None:
            parts = parts.exclude(pk=instance.pk)
        for name in ("numerator", "denominator"):
            self.fields[name].queryset = parts.order_by("order", "code")
        if locked:
            for name in self.LOCKABLE:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Đã có báo cáo ghi số liệu: không đổi được.")
        if read_only:  # a national row on a province admin's page: shown, not changed
            for field in self.fields.values():
                field.disabled = True

    @classmethod
    def initial_from(cls, indicator: Indicator) -> dict:
        return {name: getattr(indicator, name) for name in cls.base_fields}


class TargetChoiceForm(forms.Form):
    """Which indicator and year a target page is about."""

    indicator = IndicatorChoiceField(label=_("Chỉ số"), queryset=Indicator.objects.none(),
                                     empty_label=_("— Chọn chỉ số —"),
                                     error_messages={"required": _("Hãy chọn chỉ số."),
                                                     "invalid_choice": _("Hãy chọn chỉ số trong danh sách.")})
    year = forms.IntegerField(label=_("Năm"), widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                              error_messages={"required": _("Hãy nhập năm."), "invalid": _("Năm viết bằng số.")})

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["indicator"].queryset = queryset

    def clean_year(self):
        return check_year(self.cleaned_data["year"])


class TargetsForm(forms.Form):
    """One box per unit: the indicator's target for the year. Empty removes a target."""

    def __init__(self, *args, indicator: Indicator, units, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.units = list(units)
        for unit in self.units:
            value = current.get(unit.pk)
            self.fields[f"t_{unit.pk}"] = forms.CharField(
                label=unit.name, required=False, initial=_display(value) if value is not None else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))

    def clean(self):
        data = super().clean()
        for unit in self.units:
            name = f"t_{unit.pk}"
            if name in self.errors:
                continue
            try:
                data[name] = parse_target(self.indicator, data.get(name, ""))
            except ValidationError as exc:
                self.add_error(name, exc.messages)
        return data

    def values(self) -> dict:
        return {unit: self.cleaned_data.get(f"t_{unit.pk}") for unit in self.units}

    def rows(self):
        """(unit, bound field) pairs for the page's table."""
        return [(unit, self[f"t_{unit.pk}"]) for unit in self.units]


def _display(value) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", ".")
    return str(value.normalize()).replace(".", ",")


class TargetImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx) hoặc CSV"),
                           error_messages={"required": _("Hãy chọn tệp Excel (.xlsx) hoặc CSV.")})


class CommuneChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RequestForm(forms.Form):
    form = forms.ModelChoiceField(label=_("Mẫu báo cáo"), queryset=once_forms(), empty_label=None)
    title = forms.CharField(label=_("Nội dung yêu cầu"), max_length=300,
                            widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: Kết quả Ngày hội VNeID")}),
                            error_messages={"required": _("Hãy ghi nội dung yêu cầu.")})
    period_start = _date_field(_("Số liệu từ ngày"))
    period_end = _date_field(_("Đến ngày"))
    due_on = _date_field(_("Hạn gửi"))
    all_communes = forms.BooleanField(label=_("Tất cả các xã, phường"), required=False)
    communes = CommuneChoiceField(label=_("Hoặc chọn từng xã"), queryset=AdminUnit.objects.none(), required=False,
                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, province: AdminUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = AdminUnit.objects.active().communes().filter(
            province=province).order_by("name_folded")
        self.fields["form"].queryset = once_forms(province)

    def clean(self):
        data = super().clean()
        if data.get("all_communes"):
            data["communes"] = list(self.fields["communes"].queryset)
        elif "communes" not in self.errors and not data.get("communes"):
            self.add_error("communes", _("Hãy chọn ít nhất một xã, hoặc đánh dấu “Tất cả các xã, phường”."))
        return data
