from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit, ProvinceWord, UnitKind

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


PORTAL_LINK_ROWS = 5  # as many as geo.services.MAX_PORTAL_LINKS


class ProvinceProfileForm(forms.Form):
    """What differs between provinces (geo.ProvinceProfile), with the version the page was opened at.
    The portal links are rows of a name and an address; empty rows are dropped."""

    word = forms.ChoiceField(label=_("Trong câu, gọi là"), widget=forms.RadioSelect,
                             help_text=_("Ví dụ “tỉnh Lào Cai”, “thành phố Hà Nội”: dùng trong quyết định, báo cáo "
                                         "và trang công khai."))
    plan_number = forms.CharField(label=_("Số kế hoạch của UBND tỉnh về Tổ công nghệ số cộng đồng"), max_length=50,
                                  required=False, widget=forms.TextInput(attrs={"placeholder": "10/KH-UBND"}),
                                  help_text=_("Quyết định thành lập tổ và báo cáo ghi “Căn cứ Kế hoạch số … ngày …”."))
    plan_date = forms.DateField(label=_("Ngày ban hành kế hoạch"), required=False,
                                input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
                                error_messages={"invalid": _("Ngày viết theo dạng dd/mm/yyyy, ví dụ 17/07/2025.")})
    plan_title = forms.CharField(label=_("Trích yếu kế hoạch (sau chữ “về”)"), max_length=300,
                                 error_messages={"required": _("Hãy ghi trích yếu của kế hoạch.")},
                                 widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["word"].choices = ProvinceWord.choices
        for row in range(1, PORTAL_LINK_ROWS + 1):
            self.fields[f"link_{row}_name"] = forms.CharField(
                label=_("Liên kết %(row)s: tên") % {"row": row}, max_length=120, required=False,
                widget=forms.TextInput(attrs={"placeholder": _("Cổng thông tin điện tử tỉnh")} if row == 1 else {}))
            self.fields[f"link_{row}_url"] = forms.CharField(
                label=_("Liên kết %(row)s: địa chỉ") % {"row": row}, max_length=300, required=False,
                widget=forms.URLInput(attrs={"placeholder": "https://…", "inputmode": "url"}))

    @staticmethod
    def initial_for(profile) -> dict:
        initial = {"word": profile.word, "plan_number": profile.plan_number, "plan_date": profile.plan_date,
                   "plan_title": profile.plan_title, "version": profile.version}
        for row, link in enumerate(profile.portal_links or [], start=1):
            initial[f"link_{row}_name"], initial[f"link_{row}_url"] = link.get("name", ""), link.get("url", "")
        return initial

    def values(self) -> tuple[dict, int]:
        """What the service takes: the fields, the links as a list (row numbers kept for the errors)."""
        data = dict(self.cleaned_data)
        version = data.pop("version")
        links = [{"name": data.pop(f"link_{row}_name", ""), "url": data.pop(f"link_{row}_url", "")}
                 for row in range(1, PORTAL_LINK_ROWS + 1)]
        while links and not (links[-1]["name"] or links[-1]["url"]):
            links.pop()  # trailing empty rows; an empty row in the middle stays, so errors keep their row
        return {**data, "portal_links": links}, version
