from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit, UnitKind

VILLAGE_KIND_CHOICES = [(UnitKind.THON, UnitKind.THON.label), (UnitKind.TO_DAN_PHO, UnitKind.TO_DAN_PHO.label)]


class VillageFileForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách thôn (.xlsx hoặc .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


class DecisionFields(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50,
                                      widget=forms.TextInput(attrs={"placeholder": "15/QĐ-UBND"}))
    decision_date = forms.DateField(label=_("Ngày quyết định (dd/mm/yyyy)"), required=False)
    effective_date = forms.DateField(label=_("Ngày có hiệu lực (dd/mm/yyyy)"),
                                     initial=timezone.localdate)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(DecisionFields):
    units = forms.ModelMultipleChoiceField(label=_("Các thôn sáp nhập"), queryset=AdminUnit.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    survivor = forms.ModelChoiceField(label=_("Thôn được giữ lại (tên và mã giữ nguyên)"),
                                      queryset=AdminUnit.objects.none(), required=False,
                                      empty_label=_("— Không: lập thôn mới —"))
    new_name = forms.CharField(label=_("Hoặc tên thôn mới"), max_length=200, required=False)
    new_kind = forms.ChoiceField(label=_("Loại thôn mới"), choices=VILLAGE_KIND_CHOICES, required=False)

    field_order = ["units", "survivor", "new_name", "new_kind", "decision_number", "decision_date",
                   "effective_date", "note"]

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = villages
        self.fields["survivor"].queryset = villages


class SplitForm(DecisionFields):
    new_names = forms.CharField(label=_("Tên các thôn mới, mỗi tên một dòng"),
                                widget=forms.Textarea(attrs={"rows": 3}))
    new_kind = forms.ChoiceField(label=_("Loại"), choices=VILLAGE_KIND_CHOICES)

    field_order = ["new_names", "new_kind", "decision_number", "decision_date", "effective_date", "note"]
