from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit

from .models import Role


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Số điện thoại hoặc tên đăng nhập"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username",
                                      "inputmode": "text", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Số điện thoại/tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa. Hãy liên hệ cán bộ quản trị."),
    }


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Mật khẩu hiện tại"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label=_("Mật khẩu mới (ít nhất 8 ký tự)"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password_again = forms.CharField(label=_("Nhập lại mật khẩu mới"), strip=False,
                                         widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("Hai lần nhập mật khẩu mới không giống nhau."))
        return data


class UnitChoiceForm(forms.Form):
    """Role plus the unit it applies to: the province, a commune, or one of its villages."""

    # The national role is granted from the command line (create_national_user), never by a province.
    role = forms.ChoiceField(label=_("Vai trò"), choices=[c for c in Role.choices if c[0] != Role.NATIONAL])
    commune = forms.ModelChoiceField(label=_("Xã/phường"), queryset=AdminUnit.objects.none(),
                                     required=False, empty_label=_("— Chọn xã/phường —"))
    village = forms.ModelChoiceField(label=_("Thôn/tổ dân phố (nếu là tổ thôn)"),
                                     queryset=AdminUnit.objects.none(), required=False,
                                     empty_label=_("— Cả xã (tổ cấp xã) —"))

    def __init__(self, *args, province: AdminUnit, communes, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        self.fields["commune"].queryset = communes
        self.fields["village"].queryset = villages

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in (Role.PROVINCE_ADMIN, Role.PARTNER, Role.DEPARTMENT):
            data["unit"] = self.province
        elif data.get("village") is not None:
            if role not in (Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.VILLAGE_HEAD):
                self.add_error("village", _("Vai trò này gắn với xã/phường, không gắn với thôn."))
            elif data.get("commune") and data["village"].parent_id != data["commune"].pk:
                self.add_error("village", _("Thôn này không thuộc xã đã chọn."))
            data["unit"] = data["village"]
        elif role == Role.VILLAGE_HEAD:
            self.add_error("village", _("Chọn thôn, tổ dân phố cho trưởng thôn."))
        elif data.get("commune") is not None:
            data["unit"] = data["commune"]
        elif role:
            self.add_error("commune", _("Chọn xã/phường cho vai trò này."))
        return data


class UserCreateForm(UnitChoiceForm):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    username = forms.CharField(label=_("Tên đăng nhập (để trống thì dùng số điện thoại)"),
                               max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)

    field_order = ["full_name", "phone", "username", "email", "role", "commune", "village"]


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử"), required=False)


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực (6 số trong ứng dụng, hoặc một mã dự phòng)"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "autocapitalize": "none"}))
