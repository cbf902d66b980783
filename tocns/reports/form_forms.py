"""What the report form pages read: a form's settings, its copy, and its list of indicators.
They read what was typed; the rules live in form_catalogue.py, whose errors the views put next
to the field they name."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import Level, PeriodRule, PeriodType
from .form_catalogue import SECTION_MAX, SETTINGS, check_code
from .models import FormIndicator, Indicator, ReportForm


def _day_field(label, *, required=True, low=1, high=31, message, **extra):
    return forms.IntegerField(label=label, required=required, min_value=low, max_value=high,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                              error_messages={"required": message, "invalid": message, "min_value": message,
                                              "max_value": message}, **extra)


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=True, min_value=1, error_messages={
            "required": _("Trang đã cũ: hãy tải lại trang."), "invalid": _("Trang đã cũ: hãy tải lại trang."),
            "min_value": _("Trang đã cũ: hãy tải lại trang.")}, **kwargs)


class FormSettingsForm(forms.Form):
    """A form's settings. `code` is asked only when the form is created or copied."""

    code = forms.CharField(label=_("Mã mẫu"), max_length=30,
                           help_text=_("Chữ không dấu, số, gạch ngang, ví dụ THANG-THON-2. Không đổi được sau khi "
                                       "tạo."),
                           error_messages={"required": _("Hãy nhập mã mẫu.")})
    name = forms.CharField(label=_("Tên mẫu báo cáo"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Hãy nhập tên mẫu báo cáo."),
                                           "max_length": _("Tên mẫu tối đa 300 ký tự.")})
    level = forms.ChoiceField(label=_("Cấp báo cáo"), choices=Level.choices,
                              error_messages={"required": _("Hãy chọn cấp báo cáo."),
                                              "invalid_choice": _("Hãy chọn cấp báo cáo.")})
    period_type = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodType.choices,
                                    help_text=_("Tổ báo cáo theo tháng; UBND xã theo quý, năm hoặc đột xuất."),
                                    error_messages={"required": _("Hãy chọn kỳ báo cáo."),
                                                    "invalid_choice": _("Hãy chọn kỳ báo cáo.")})
    period_rule = forms.ChoiceField(label=_("Cách tính kỳ"), choices=PeriodRule.choices,
                                    error_messages={"invalid_choice": _("Hãy chọn cách tính kỳ.")})
    due_day = _day_field(_("Hạn nộp: ngày trong tháng cuối kỳ"), message=_("Ngày hạn nộp từ 1 đến 31."),
                         help_text=_("29 nghĩa là trước ngày 30; tháng ngắn hơn thì lấy ngày cuối tháng."))
    close_after_days = _day_field(_("Khóa nhập sau khi hết kỳ (ngày)"), required=False, low=0, high=366,
                                  message=_("Từ 0 đến 366 ngày."), help_text=_("Để trống nếu không khóa."))
    asks_results = forms.BooleanField(label=_("Có phần kết quả nổi bật"), required=False)
    asks_difficulties = forms.BooleanField(label=_("Có phần khó khăn, vướng mắc"), required=False)
    asks_proposals = forms.BooleanField(label=_("Có phần đề xuất, kiến nghị"), required=False)
    version = VersionField()

    def __init__(self, *args, report_form: ReportForm | None = None, has_reports: bool = False, province=None,
                 **kwargs):
        self.province = province
        if report_form is not None:
            kwargs.setdefault("initial", {name: getattr(report_form, name) for name in SETTINGS} | {
                "version": report_form.version})
        else:
            kwargs.setdefault("initial", {"level": Level.VILLAGE_TEAM, "period_type": PeriodType.MONTH,
                                          "period_rule": PeriodRule.CALENDAR, "due_day": 29, "close_after_days": 60,
                                          "asks_results": True, "asks_difficulties": True, "asks_proposals": True,
                                          "version": 1})
        super().__init__(*args, **kwargs)
        if report_form is not None:
            del self.fields["code"]
        if has_reports:
            for name in ("level", "period_type"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Đã có báo cáo theo mẫu này: không đổi được nữa.")

    def clean_code(self):
        return _code(self.cleaned_data["code"], getattr(self, "province", None))

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in SETTINGS}


class CopyForm(forms.Form):
    code = forms.CharField(label=_("Mã của mẫu mới"), max_length=30,
                           help_text=_("Chữ không dấu, số, gạch ngang, ví dụ THANG-THON-2."),
                           error_messages={"required": _("Hãy nhập mã mẫu.")})
    name = forms.CharField(label=_("Tên mẫu mới"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Hãy nhập tên mẫu báo cáo."),
                                           "max_length": _("Tên mẫu tối đa 300 ký tự.")})

    def __init__(self, *args, province=None, **kwargs):
        self.province = province  # the catalogue the copy joins
        super().__init__(*args, **kwargs)

    def clean_code(self):
        return _code(self.cleaned_data["code"], getattr(self, "province", None))


def _code(raw, province=None) -> str:
    """The service's own check, so a malformed or taken code shows beside its field with the rest
    (taken in the catalogue the new form joins: `province`'s, or the national one)."""
    try:
        return check_code(raw, province)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict["code"]) from None


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.name}"


class LinesForm(forms.Form):
    """The form's indicators as one list: for each line its place, its section heading and a box to
    take it off; one more row to add an indicator. A ▲/▼ button (`move` = "<indicator id>:up") saves
    the list with that line moved one place."""

    add = IndicatorChoiceField(label=_("Thêm chỉ số"), queryset=Indicator.objects.none(), required=False,
                               empty_label=_("— Không thêm —"),
                               error_messages={"invalid_choice": _("Hãy chọn chỉ số trong danh sách.")})
    add_section = forms.CharField(label=_("Thuộc phần"), max_length=SECTION_MAX, required=False,
                                  help_text=_("Để trống thì xếp theo lĩnh vực của chỉ số."),
                                  error_messages={"max_length": _("Tên phần tối đa 200 ký tự.")})
    version = VersionField()

    def __init__(self, *args, lines: list[FormIndicator], addable, version: int, **kwargs):
        kwargs.setdefault("auto_id", "lines_%s")  # the settings form on the same page has its own ids
        super().__init__(*args, initial={"version": version}, **kwargs)
        self.lines = lines
        self.fields["add"].queryset = addable
        for position, line in enumerate(lines, start=1):
            pk = line.indicator_id
            code = line.indicator.code
            self.fields[f"pos_{pk}"] = forms.IntegerField(
                label=_("Thứ tự"), initial=position, min_value=1, max_value=999, widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "size": 3, "aria-label": _("Thứ tự của %(code)s") % {"code": code}}),
                error_messages={"required": _("Hãy ghi thứ tự."), "invalid": _("Thứ tự là một số."),
                                "min_value": _("Thứ tự từ 1."), "max_value": _("Thứ tự đến 999.")})
            self.fields[f"sec_{pk}"] = forms.CharField(
                label=_("Phần"), initial=line.section, required=False, max_length=SECTION_MAX,
                widget=forms.TextInput(attrs={"aria-label": _("Phần của %(code)s") % {"code": code}}),
                error_messages={"max_length": _("Tên phần tối đa 200 ký tự.")})
            self.fields[f"drop_{pk}"] = forms.BooleanField(label=_("Bỏ khỏi mẫu"), required=False)

    def rows(self):
        """(line, place, section, drop) bound fields for the page's table."""
        return [(line, self[f"pos_{line.indicator_id}"], self[f"sec_{line.indicator_id}"],
                 self[f"drop_{line.indicator_id}"]) for line in self.lines]

    def wanted(self, move: str = "") -> list[tuple[Indicator, str]]:
        """The list as typed: kept lines by their place (ties keep the old order), the added one at
        the end, then the ▲/▼ move applied."""
        data = self.cleaned_data
        kept = [(data[f"pos_{line.indicator_id}"], index, line.indicator, data[f"sec_{line.indicator_id}"])
                for index, line in enumerate(self.lines) if not data.get(f"drop_{line.indicator_id}")]
        kept.sort(key=lambda row: (row[0], row[1]))
        out = [(indicator, section) for _pos, _index, indicator, section in kept]
        if data.get("add") is not None:
            out.append((data["add"], data.get("add_section") or ""))
        target, _sep, direction = move.partition(":")
        index = next((i for i, (indicator, _s) in enumerate(out) if str(indicator.pk) == target), None)
        if index is not None:
            other = index - 1 if direction == "up" else index + 1 if direction == "down" else -1
            if 0 <= other < len(out):
                out[index], out[other] = out[other], out[index]
        return out
