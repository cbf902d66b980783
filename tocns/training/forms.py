import uuid
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Topic


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Tên khóa tập huấn"), max_length=200,
                            error_messages={"required": _("Hãy đặt tên khóa tập huấn.")})
    topic = forms.ModelChoiceField(label=_("Chủ đề"), queryset=Topic.objects.filter(is_active=True),
                                   error_messages={"required": _("Hãy chọn chủ đề.")})
    partner = forms.ModelChoiceField(label=_("Doanh nghiệp phối hợp"), queryset=None, required=False,
                                     empty_label=_("Sở tự tổ chức"))
    description = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, partners, partner_required: bool, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        if partner_required:  # a partner's user plans its own courses only
            self.fields["partner"].required = True
            self.fields["partner"].empty_label = None


class SessionForm(forms.Form):
    day = forms.DateField(label=_("Ngày"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
                          error_messages={"required": _("Hãy nhập ngày."),
                                          "invalid": _("Ngày viết theo dạng dd/mm/yyyy.")})
    time = forms.TimeField(label=_("Giờ"), input_formats=["%H:%M", "%Hh%M", "%Hh"],
                           widget=forms.TimeInput(attrs={"placeholder": "08:00"}),
                           error_messages={"required": _("Hãy nhập giờ."), "invalid": _("Giờ viết như 08:00.")})
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)
    online_link = forms.URLField(label=_("Đường dẫn học trực tuyến"), required=False, assume_scheme="https",
                                 error_messages={"invalid": _("Đường dẫn chưa đúng, ví dụ https://…")})
    trainer_name = forms.CharField(label=_("Giảng viên"), max_length=200,
                                   error_messages={"required": _("Hãy ghi tên giảng viên.")})
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            data["starts_at"] = timezone.make_aware(datetime.combine(data["day"], data["time"]))
        return data


class InviteForm(forms.Form):
    communes = forms.TypedMultipleChoiceField(label=_("Mời mọi thành viên các tổ của xã, phường"), coerce=int,
                                              required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].choices = [(c.pk, c.name) for c in communes]

    def clean_communes(self):
        chosen = self.cleaned_data["communes"]
        if not chosen:
            raise forms.ValidationError(_("Hãy chọn ít nhất một xã, phường."))
        return chosen


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Tên doanh nghiệp"), max_length=200,
                           error_messages={"required": _("Hãy nhập tên doanh nghiệp.")})


class PartnerUsersForm(forms.Form):
    users = forms.ModelMultipleChoiceField(label=_("Tài khoản của doanh nghiệp"), queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = accounts
        self.fields["users"].label_from_instance = lambda user: f"{user.full_name} ({user.username})"


class TopicForm(forms.Form):
    name = forms.CharField(label=_("Chủ đề mới"), max_length=200,
                           error_messages={"required": _("Hãy nhập tên chủ đề.")})
