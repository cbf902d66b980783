from django import forms
from django.utils.translation import gettext_lazy as _

from tocns.fieldwork.feedback_forms import FeedbackForm
from tocns.teams.forms import PersonForm, clean_phone_value

from .challenge import challenge_answer, challenge_new, challenge_question


class ChallengeMixin(forms.Form):
    """Adds the sum question and an invisible field that only robots fill in."""

    challenge_token = forms.CharField(widget=forms.HiddenInput)
    challenge_answer = forms.CharField(label=_("Câu hỏi chống gửi tự động"), max_length=3,
                                       widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    website = forms.CharField(required=False, label=_("Để trống ô này"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token = self.data.get("challenge_token") if self.is_bound else None
        question = challenge_question(token) if token else None
        if question is None:
            question, token = challenge_new()
        self.fields["challenge_token"].initial = token
        self.fields["challenge_answer"].label = _("Để chống gửi tự động: %(q)s bằng mấy?") % {"q": question}

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("Không gửi được đơn."))
        refused = challenge_answer(data.get("challenge_token", ""), data.get("challenge_answer", ""),
                                   self.data.get("submission_key", ""))
        if refused:
            self.add_error("challenge_answer", refused)
            # A fresh question after a wrong, expired or spent one.
            question, token = challenge_new()
            self.data = self.data.copy()
            self.data["challenge_token"] = token
            self.data["challenge_answer"] = ""
            label = _("Để chống gửi tự động: %(q)s bằng mấy?") % {"q": question}
            # The bound field copied the label when cleaning began; both must show the new question.
            self.fields["challenge_answer"].label = self["challenge_answer"].label = label
        return data


class ApplicantForm(PersonForm):
    """A person's details as the applicant gives them: posts are recorded later by the officer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["position"]
        self.use_required_attribute = False  # rows of a group list may stay empty


class JoinForm(ChallengeMixin, ApplicantForm):
    message = forms.CharField(label=_("Bạn muốn giúp người dân việc gì? (không bắt buộc)"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    submission_key = forms.CharField(widget=forms.HiddenInput)
    field_order = ["full_name", "phone", "birth_year", "gender", "occupation", "workplace", "home_village",
                   "zalo_phone", "email", "digital_skills", "ethnic_group", "ethnic_group_consent", "message"]



class GroupContactForm(ChallengeMixin, forms.Form):
    contact_name = forms.CharField(label=_("Người gửi danh sách"), max_length=200)
    contact_phone = forms.CharField(label=_("Số điện thoại người gửi"), max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "tel"}))
    contact_email = forms.EmailField(label=_("Thư điện tử (nếu có)"), required=False)
    message = forms.CharField(label=_("Ghi chú (không bắt buộc)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("Hoặc gửi danh sách bằng tệp Excel theo mẫu"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput)

    def clean_contact_phone(self):
        return clean_phone_value(self.cleaned_data.get("contact_phone"), required=True)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Thông tin bổ sung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PublicFeedbackForm(ChallengeMixin, FeedbackForm):
    """A citizen's own feedback, protected like the join form."""
