import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.fieldwork.models import Service

_DAY = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class TaskFields(forms.Form):
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=200,
                            help_text=_("Ví dụ: Hướng dẫn các hộ cài và kích hoạt VNeID mức 2"),
                            error_messages={"required": _("Hãy ghi nhiệm vụ cần làm.")})
    description = forms.CharField(label=_("Nội dung, cách làm"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("Hạn hoàn thành"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=_DAY,
                             error_messages={"required": _("Hãy ghi hạn hoàn thành (dd/mm/yyyy)."),
                                             "invalid": _("Ngày chưa đúng: ghi theo dạng dd/mm/yyyy.")})
    target_text = forms.CharField(label=_("Hộ, người cần đến"), required=False, max_length=300,
                                  help_text=_("Ví dụ: các hộ có người cao tuổi ở xóm Trên"))
    target_count = forms.IntegerField(label=_("Số hộ, số người (nếu biết)"), required=False, min_value=0,
                                      error_messages={"invalid": _("Hãy ghi một số nguyên."),
                                                      "min_value": _("Số hộ, số người không âm.")})
    service = forms.ModelChoiceField(label=_("Dịch vụ số liên quan"), required=False,
                                     queryset=Service.objects.filter(is_active=True), empty_label=_("(không)"))

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.for_province(province).filter(is_active=True)  # issue #18

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("Hạn hoàn thành không được trước hôm nay."))
        return due_on


class TaskAssignForm(TaskFields):
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    teams = forms.ModelMultipleChoiceField(label=_("Giao cho tổ"), queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    all_villages = forms.BooleanField(label=_("Tất cả các tổ thôn, tổ dân phố của xã"), required=False)
    field_order = ["submission_key", "all_villages", "teams"]

    def __init__(self, *args, teams, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams
        self.fields["teams"].label_from_instance = lambda team: team.unit.name
        self.available = teams

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("teams") and not (cleaned.get("all_villages") and any(
                team.unit.is_village for team in self.available)):
            self.add_error("teams", _("Hãy chọn ít nhất một tổ."))
        return cleaned

    def chosen_teams(self) -> list:
        chosen = list(self.cleaned_data.get("teams") or [])
        if self.cleaned_data.get("all_villages"):
            ids = {team.pk for team in chosen}
            chosen += [team for team in self.available if team.unit.is_village and team.pk not in ids]
        return chosen


class TaskEditForm(TaskFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TaskDoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Đã làm được gì"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Ví dụ: đã đến 12 hộ, 9 hộ kích hoạt được VNeID"),
                           error_messages={"required": _("Hãy ghi ngắn gọn đã làm được gì.")})
    photo = forms.FileField(label=_("Ảnh (nếu có)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
