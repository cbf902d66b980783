from django import forms
from django.utils.translation import gettext_lazy as _

from .difficulties import ANSWER_DAYS_MAX, ANSWER_DAYS_MIN


class DifficultyRulesForm(forms.Form):
    answer_days = forms.IntegerField(label=_("Số ngày phải trả lời khó khăn, kiến nghị"), min_value=ANSWER_DAYS_MIN,
                                     max_value=ANSWER_DAYS_MAX,
                                     help_text=_("Tính từ ngày tổ gửi báo cáo (hoặc ngày xã chuyển lên tỉnh)."),
                                     error_messages={"required": _("Hãy ghi số ngày."),
                                                     "invalid": _("Hãy ghi một số nguyên."),
                                                     "min_value": _("Ít nhất %(limit_value)s ngày."),
                                                     "max_value": _("Nhiều nhất %(limit_value)s ngày.")})
    was = forms.IntegerField(widget=forms.HiddenInput)
