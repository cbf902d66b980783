from django import forms
from django.utils.translation import gettext_lazy as _


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Ý kiến (bắt buộc khi trả lại)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    days = forms.IntegerField(label=_("Mở lại trong (ngày)"), min_value=1, max_value=30, initial=3,
                              error_messages={"min_value": _("Từ 1 đến 30 ngày."),
                                              "max_value": _("Từ 1 đến 30 ngày."),
                                              "invalid": _("Hãy nhập số ngày."),
                                              "required": _("Hãy nhập số ngày mở lại (1 đến 30).")})
    reason = forms.CharField(label=_("Lý do"), max_length=200,
                             error_messages={"required": _("Hãy ghi lý do mở lại.")})


class NarrativeForm(forms.Form):
    narrative = forms.CharField(label=_("Nội dung báo cáo (sửa trước khi tải)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 14}))
