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

    def __init__(self, *args, partners, partner_required: bool, province=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["topic"].queryset = Topic.objects.for_province(province).filter(is_active=True)
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


# ---- Proficiency ------------------------------------------------------------------------------


class QuizSettingsForm(forms.Form):
    pass_mark = forms.IntegerField(label=_("Điểm đạt (%)"), min_value=1, max_value=100,
                                   error_messages={"required": _("Hãy nhập điểm đạt."),
                                                   "min_value": _("Điểm đạt là một số từ 1 đến 100."),
                                                   "max_value": _("Điểm đạt là một số từ 1 đến 100."),
                                                   "invalid": _("Điểm đạt là một số từ 1 đến 100.")})
    max_attempts = forms.IntegerField(label=_("Số lần làm tối đa (0 là không giới hạn)"), min_value=0, max_value=50,
                                      error_messages={"required": _("Hãy nhập số lần làm."),
                                                      "min_value": _("Từ 0 đến 50."), "max_value": _("Từ 0 đến 50."),
                                                      "invalid": _("Từ 0 đến 50.")})
    retry_after_hours = forms.IntegerField(label=_("Làm lại sau bao nhiêu giờ"), min_value=0, max_value=720,
                                           error_messages={"required": _("Hãy nhập số giờ (0 là làm lại ngay)."),
                                                           "min_value": _("Từ 0 đến 720 giờ."),
                                                           "max_value": _("Từ 0 đến 720 giờ."),
                                                           "invalid": _("Từ 0 đến 720 giờ.")})
    is_open = forms.BooleanField(label=_("Mở cho học viên làm bài"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Câu hỏi"), widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Hãy nhập câu hỏi.")})
    option_1 = forms.CharField(label=_("Phương án 1"), max_length=300, required=False)
    option_2 = forms.CharField(label=_("Phương án 2"), max_length=300, required=False)
    option_3 = forms.CharField(label=_("Phương án 3"), max_length=300, required=False)
    option_4 = forms.CharField(label=_("Phương án 4"), max_length=300, required=False)
    option_5 = forms.CharField(label=_("Phương án 5"), max_length=300, required=False)
    correct = forms.TypedMultipleChoiceField(label=_("Phương án đúng"), coerce=int, required=False,
                                             choices=[(i, str(i + 1)) for i in range(5)],
                                             widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, question=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if question is not None:
            initial.update({"text": question.text, "correct": question.correct})
            for i, option in enumerate(question.options):
                initial[f"option_{i + 1}"] = option
        else:
            initial.setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def option_rows(self):
        """(option field, its "correct" tick) pairs, for a phone-sized editor row."""
        ticked = {str(v) for v in (self["correct"].value() or [])}
        return [(self[f"option_{i + 1}"], i, str(i) in ticked) for i in range(5)]

    def options(self) -> list[str]:
        return [self.cleaned_data.get(f"option_{i + 1}", "") for i in range(5)]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Hãy ghi lý do thu hồi.")})


class ProvinceTopics:
    """A form whose topics are the national ones and its province's."""

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.for_province(province).filter(is_active=True)


class CompletionImportForm(ProvinceTopics, forms.Form):
    file = forms.FileField(label=_("Tệp CSV xuất từ nền tảng Bình dân học vụ số"),
                           error_messages={"required": _("Hãy chọn tệp.")})
    topic = forms.ModelChoiceField(label=_("Chủ đề cho các khóa học chưa gắn chủ đề"), required=False,
                                   queryset=Topic.objects.filter(is_active=True),
                                   empty_label=_("Không: báo lỗi các dòng đó"))


class PlatformCourseForm(ProvinceTopics, forms.Form):
    name = forms.CharField(label=_("Tên khóa học như trên nền tảng"), max_length=300,
                           error_messages={"required": _("Hãy nhập tên khóa học như trên nền tảng.")})
    topic = forms.ModelChoiceField(label=_("Tính cho chủ đề"), queryset=Topic.objects.filter(is_active=True),
                                   error_messages={"required": _("Hãy chọn chủ đề.")})
