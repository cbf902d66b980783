"""Forms for building a survey and giving it to teams (the answer form is built from the
questions in the template, so that the phone's script can read it the same way)."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import QuestionKind
from .surveys import choices_from_text


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Tên khảo sát"), max_length=200)
    description = forms.CharField(label=_("Mục đích, hướng dẫn cho người hỏi"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.TypedChoiceField(label=_("Đơn vị lập"), coerce=int)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, owners, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.owners = {owner.pk: owner for owner in owners}
        self.fields["owner"].choices = [(owner.pk, owner.name) for owner in owners]
        if len(owners) == 1:
            self.fields["owner"].widget = forms.HiddenInput()
            self.fields["owner"].initial = owners[0].pk

    def clean_owner(self):
        return self.owners[self.cleaned_data["owner"]]


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Câu hỏi"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại câu trả lời"), choices=QuestionKind.choices,
                             widget=forms.RadioSelect, initial=QuestionKind.SINGLE)
    choices = forms.CharField(label=_("Các lựa chọn (mỗi dòng một lựa chọn)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Chỉ cần cho câu chọn một hoặc chọn nhiều."))
    required = forms.BooleanField(label=_("Bắt buộc trả lời"), required=False, initial=True)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def clean_choices(self):
        return choices_from_text(self.cleaned_data["choices"])


class AssignForm(forms.Form):
    """A province survey goes to all the teams of chosen communes; a commune survey to chosen teams."""

    deadline = forms.DateField(label=_("Hạn hoàn thành"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
                               error_messages={"invalid": _("Ngày viết theo dạng dd/mm/yyyy.")})
    everyone = forms.BooleanField(label=_("Tất cả các tổ"), required=False)
    targets = forms.TypedMultipleChoiceField(label="", coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, teams, by_commune: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        self.by_commune = by_commune
        if by_commune:
            communes = {team.commune_id: team.commune for team in self.teams}
            self.fields["targets"].label = _("Các xã, phường (mọi tổ của xã)")
            self.fields["targets"].choices = [(c.pk, c.name) for c in sorted(communes.values(),
                                                                              key=lambda c: c.name_folded)]
        else:
            self.fields["targets"].label = _("Các tổ")
            self.fields["targets"].choices = [(t.pk, str(t)) for t in self.teams]

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Hạn hoàn thành không được trước hôm nay."))
        return day

    def clean(self):
        data = super().clean()
        chosen = set(data.get("targets") or [])
        if data.get("everyone"):
            data["teams"] = self.teams
        elif self.by_commune:
            data["teams"] = [team for team in self.teams if team.commune_id in chosen]
        else:
            data["teams"] = [team for team in self.teams if team.pk in chosen]
        if not data["teams"] and "deadline" in data:
            self.add_error("targets", _("Hãy chọn ít nhất một tổ, hoặc đánh dấu “Tất cả các tổ”."))
        return data
