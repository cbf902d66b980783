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
    days = forms.IntegerField(
        label=_("Dùng trong bao nhiêu ngày"), min_value=1, max_value=365, initial=90, required=False,
        help_text=_("Hết hạn thì mã không dùng được nữa: tạo mã mới."),
        error_messages={"required": _("Hãy nhập số ngày (1–365)."), "invalid": _("Hãy nhập một số."),
                        "min_value": _("Ít nhất %(limit_value)s ngày."),
                        "max_value": _("Nhiều nhất %(limit_value)s ngày.")},
    )
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Biểu mẫu đã cũ hoặc thiếu: hãy tải lại trang rồi tạo mã."),
                        "invalid": _("Biểu mẫu đã cũ hoặc thiếu: hãy tải lại trang rồi tạo mã.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class ClientCreateForm(forms.Form):
    """The province admin registers a machine client (the gateway LGSP, an operations centre)."""

    name = forms.CharField(
        label=_("Tên hệ thống"), max_length=100,
        help_text=_("Ví dụ «Nền tảng chia sẻ dữ liệu LGSP của tỉnh» hoặc «Trung tâm điều hành thông minh»."),
        error_messages={"required": _("Hãy đặt tên cho hệ thống."),
                        "max_length": _("Tên dài tối đa %(limit_value)d ký tự (đang có %(show_value)d).")},
    )
    communes = forms.ModelMultipleChoiceField(
        label=_("Chỉ các xã, phường này"), queryset=None, required=False,
        help_text=_("Để trống: cả tỉnh."), widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.MultipleChoiceField(
        label=_("Nhóm API được đọc"), choices=(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một nhóm API.")},
    )
    per_minute = forms.IntegerField(
        label=_("Số yêu cầu tối đa mỗi phút"), min_value=1, max_value=6000, initial=120,
        error_messages={"required": _("Hãy nhập số yêu cầu tối đa mỗi phút."),
                        "invalid": _("Hãy nhập một số."),
                        "min_value": _("Ít nhất %(limit_value)s."), "max_value": _("Nhiều nhất %(limit_value)s.")},
    )
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Biểu mẫu đã cũ hoặc thiếu: hãy tải lại trang."),
                        "invalid": _("Biểu mẫu đã cũ hoặc thiếu: hãy tải lại trang.")},
    )

    def __init__(self, *args, communes, **kwargs):
        from .clients import DEFAULT_GROUPS, group_choices

        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        kwargs["initial"].setdefault("groups", list(DEFAULT_GROUPS))
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = communes
        self.fields["groups"].choices = group_choices()
