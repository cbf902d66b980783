"""Forms for people, teams, decisions and applications.

`PersonForm` holds every rule about a person's details. Pages, the public join form, group lists
and the Excel import all validate through it, so a rule is written once."""

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit
from tocns.lib.phone import normalize_phone
from tocns.lib.text import clean_spaces

from .choices import ETHNIC_GROUPS, Gender, MemberRole, Occupation, Position, VillageApprover

MIN_AGE, MAX_AGE = 15, 100
DECISION_NUMBER = RegexValidator(
    r"^\d{1,5}/[A-ZĐ]{1,5}-[A-ZĐ0-9&]+(-[A-ZĐ0-9&]+)*$",
    _("Số quyết định viết như 45/QĐ-UBND."),
)
SIGNED_FILE_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
SIGNED_FILE_MAX = 10 * 1024 * 1024


def clean_phone_value(value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            raise forms.ValidationError(_("Hãy nhập số điện thoại."), code="required")
        return ""
    phone = normalize_phone(value)
    if phone is None:
        raise forms.ValidationError(
            _("“%(value)s” không phải số điện thoại Việt Nam (ví dụ 0912 345 678)."), params={"value": value},
            code="invalid_phone")
    return phone


def clean_birth_year_value(value, *, today=None) -> int:
    year = (today or timezone.localdate()).year
    if value is None or value == "":
        raise forms.ValidationError(_("Hãy nhập năm sinh."), code="required")
    try:
        value = int(str(value).strip().split(".")[0])
    except ValueError:
        raise forms.ValidationError(_("Năm sinh phải là một số, ví dụ 1990."), code="invalid") from None
    if year - value < MIN_AGE:
        raise forms.ValidationError(_("Người tham gia phải từ %(age)s tuổi trở lên (sinh năm %(year)s trở về trước).")
                                    % {"age": MIN_AGE, "year": year - MIN_AGE}, code="too_young")
    if year - value > MAX_AGE:
        raise forms.ValidationError(_("Năm sinh %(value)s làm người này hơn %(age)s tuổi: hãy kiểm tra lại.")
                                    % {"value": value, "age": MAX_AGE}, code="too_old")
    return value


def check_signed_file(upload):
    """A signed decision is kept as PDF or a photo, at most 10 MB."""
    name = upload.name.lower()
    if not any(name.endswith(ext) for ext in SIGNED_FILE_TYPES):
        raise forms.ValidationError(_("Chỉ nhận tệp PDF, JPG hoặc PNG."))
    if upload.size > SIGNED_FILE_MAX:
        raise forms.ValidationError(_("Tệp lớn hơn 10 MB: hãy chụp lại với độ phân giải thấp hơn."))
    return upload


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200,
                                error_messages={"required": _("Hãy nhập họ và tên.")})
    gender = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *Gender.choices], required=False)
    birth_year = forms.CharField(label=_("Năm sinh"), max_length=4,
                                 error_messages={"required": _("Hãy nhập năm sinh.")},
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False,
                            error_messages={"required": _("Hãy nhập số điện thoại.")},
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    zalo_phone = forms.CharField(label=_("Số Zalo (nếu khác số trên)"), max_length=20, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử (nếu có)"), required=False,
                             error_messages={"invalid": _("Địa chỉ thư điện tử không đúng dạng.")})
    occupation = forms.ChoiceField(label=_("Thành phần"), choices=Occupation.choices, initial=Occupation.RESIDENT)
    workplace = forms.CharField(label=_("Nơi công tác"), max_length=200, required=False)
    position = forms.ChoiceField(label=_("Chức vụ"), choices=Position.choices, required=False)
    home_village = forms.ModelChoiceField(label=_("Nơi ở (thôn, tổ dân phố)"), queryset=AdminUnit.objects.none(),
                                          required=False, empty_label=_("— Chọn thôn —"))
    digital_skills = forms.CharField(label=_("Kỹ năng số"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text=_("Ví dụ: dùng VNeID, nộp hồ sơ trực tuyến, thanh toán qua ứng dụng."))
    ethnic_group = forms.ChoiceField(label=_("Dân tộc (không bắt buộc)"), required=False,
                                     choices=[("", "—"), *[(name, name) for name in ETHNIC_GROUPS]],
                                     error_messages={"invalid_choice": _(
                                         "“%(value)s” không có trong danh mục 54 dân tộc Việt Nam.")})
    ethnic_group_consent = forms.BooleanField(
        label=_("Tôi đồng ý cung cấp thông tin dân tộc. Đây là dữ liệu cá nhân nhạy cảm, chỉ dùng để thống kê."),
        required=False)

    phone_required = True

    def __init__(self, *args, commune: AdminUnit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if commune is not None:
            self.fields["home_village"].queryset = AdminUnit.objects.active().villages().filter(
                commune=commune).order_by("name_folded")
        self.fields["phone"].required = self.phone_required

    def clean_full_name(self):
        name = clean_spaces(self.cleaned_data["full_name"])
        if len(name) < 2:
            raise forms.ValidationError(_("Hãy nhập họ và tên đầy đủ."))
        return name

    def clean_birth_year(self):
        return clean_birth_year_value(self.cleaned_data.get("birth_year"))

    def clean_phone(self):
        return clean_phone_value(self.cleaned_data.get("phone"), required=self.phone_required)

    def clean_zalo_phone(self):
        return clean_phone_value(self.cleaned_data.get("zalo_phone"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("ethnic_group") and not data.get("ethnic_group_consent"):
            self.add_error("ethnic_group_consent",
                           _("Chỉ ghi dân tộc khi người đó đồng ý: hãy đánh dấu ô đồng ý hoặc bỏ trống dân tộc."))
        if data.get("zalo_phone") and data.get("zalo_phone") == data.get("phone"):
            data["zalo_phone"] = ""
        return data


class MemberAddForm(PersonForm):
    """An officer adds a person to a team directly (a new person, or one already known by phone)."""

    role = forms.ChoiceField(label=_("Vai trò trong tổ"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    start_date = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                 help_text=_("Để trống là hôm nay."),
                                 widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    field_order = ["role", "full_name", "phone", "birth_year", "gender", "occupation", "position", "workplace",
                   "home_village", "zalo_phone", "email", "digital_skills", "ethnic_group", "ethnic_group_consent",
                   "start_date"]


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=50,
                             widget=forms.TextInput(attrs={"placeholder": "45/QĐ-UBND"}))
    signed_on = forms.DateField(label=_("Ngày ký"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
                                error_messages={"invalid": _("Ngày viết theo dạng dd/mm/yyyy.")})
    signer_name = forms.CharField(label=_("Người ký"), max_length=200)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, initial=_("Chủ tịch UBND xã"))
    signed_file = forms.FileField(label=_("Bản đã ký (PDF hoặc ảnh chụp)"), required=False)

    def clean_number(self):
        number = clean_spaces(self.cleaned_data["number"]).replace(" ", "").upper().replace("QD", "QĐ")
        DECISION_NUMBER(number)
        return number

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày ký không được sau hôm nay."))
        return day

    def clean_signed_file(self):
        upload = self.cleaned_data.get("signed_file")
        return check_signed_file(upload) if upload else upload


class MembersDecisionForm(DecisionForm):
    """The "kiện toàn" decision: the signed scan is what closes the changes, so it is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["signed_file"]
        field.required = True
        field.error_messages["required"] = _("Hãy đính kèm bản đã ký (PDF hoặc ảnh chụp).")


class TeamRulesForm(forms.Form):
    """The province's team settings, with the version the page was opened at."""

    commune_team_cap = forms.IntegerField(label=_("Số thành viên tối đa của tổ cấp xã"), min_value=1, max_value=50,
                                          widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    village_team_cap = forms.IntegerField(label=_("Số thành viên tối đa của tổ thôn, tổ dân phố"), min_value=1,
                                          max_value=50, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    team_minimum = forms.IntegerField(label=_("Số thành viên tối thiểu của một tổ"), min_value=1, max_value=50,
                                      widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    village_approver = forms.ChoiceField(label=_("Ai duyệt đơn tham gia, xin ra khỏi tổ thôn"),
                                         choices=VillageApprover.choices, widget=forms.RadioSelect,
                                         help_text=_("Tổ cấp xã: Chủ tịch UBND xã duyệt. Quản trị cấp tỉnh duyệt "
                                                     "thay được cho mọi tổ."))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("commune_team_cap", "village_team_cap", "team_minimum"):
            self.fields[name].error_messages.update({
                "required": _("Hãy ghi một số."), "invalid": _("Hãy ghi một số, ví dụ 10."),
                "min_value": _("Ghi một số từ 1 đến 50."), "max_value": _("Ghi một số từ 1 đến 50.")})


class DecideForm(forms.Form):
    answer = forms.CharField(label=_("Lý do hoặc nội dung cần bổ sung"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    as_collaborators = forms.BooleanField(
        label=_("Nếu tổ đã đủ người, thêm vào nhóm cộng tác viên của tổ"), required=False)


class MembershipEndForm(forms.Form):
    """Ending a membership says when and why; a blank form ends nothing."""

    end_date = forms.DateField(label=_("Ngày thôi"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                               widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
                               error_messages={"required": _("Hãy nhập ngày thôi tham gia (dd/mm/yyyy)."),
                                               "invalid": _("Ngày viết theo dạng dd/mm/yyyy.")})
    reason = forms.CharField(label=_("Lý do"), max_length=200,
                             help_text=_("Ví dụ: chuyển công tác, xin thôi vì lý do sức khỏe."),
                             error_messages={"required": _("Hãy ghi lý do thôi tham gia tổ."),
                                             "max_length": _("Lý do dài tối đa 200 ký tự.")})

    def __init__(self, *args, membership=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("end_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_end_date(self):
        day = self.cleaned_data["end_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày thôi không được sau hôm nay."))
        if self.membership is not None and day < self.membership.start_date:
            raise forms.ValidationError(_("Ngày thôi không được trước ngày bắt đầu (%(day)s).") % {
                "day": self.membership.start_date.strftime("%d/%m/%Y")})
        return day

    def clean_reason(self):
        reason = clean_spaces(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("Hãy ghi lý do thôi tham gia tổ."))
        return reason


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò mới"), choices=MemberRole.choices,
                             error_messages={"required": _("Hãy chọn vai trò mới."),
                                             "invalid_choice": _("Hãy chọn một vai trò trong danh sách.")})


class PhoneSharingForm(forms.Form):
    """Who sees a member's phone besides the leader, the deputy and the commune office."""

    share = forms.ChoiceField(
        label=_("Ai được thấy số điện thoại của bạn?"), widget=forms.RadioSelect,
        choices=[("leaders", _("Chỉ tổ trưởng, tổ phó và cán bộ xã")),
                 ("team", _("Cả các thành viên trong tổ")),
                 ("public", _("Cả người dân, trên trang của tổ (kèm nút gọi và Zalo)"))],
        error_messages={"required": _("Hãy chọn ai được thấy số điện thoại của bạn."),
                        "invalid_choice": _("Hãy chọn ai được thấy số điện thoại của bạn.")})
