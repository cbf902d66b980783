import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Tên gợi nhớ"), max_length=100,
        help_text=_("Để nhận ra mã này sau, ví dụ «Điện thoại Samsung» hoặc «Máy tính ở xã»."),
        error_messages={"required": _("Hãy đặt tên cho mã, ví dụ «Điện thoại Samsung»."),
                        "max_length": _("Tên dài tối đa %(limit_value)d ký tự (đang có %(show_value)d).")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Biểu mẫu đã cũ hoặc thiếu: hãy tải lại trang rồi tạo mã."),
                        "invalid": _("Biểu mẫu đã cũ hoặc thiếu: hãy tải lại trang rồi tạo mã.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
