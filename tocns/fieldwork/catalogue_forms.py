from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import countable_indicators
from .models import Measure, ServicePillar


class ServiceForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=40,
                           help_text=_("Chữ thường không dấu và dấu gạch ngang, ví dụ “so-tay-dang-vien”. "
                                       "Không đổi được sau khi thêm."),
                           error_messages={"required": _("Hãy nhập mã dịch vụ.")})
    name = forms.CharField(label=_("Tên dịch vụ"), max_length=200,
                           error_messages={"required": _("Hãy nhập tên dịch vụ.")})
    short_name = forms.CharField(label=_("Tên ngắn (nút bấm trên trang nhật ký)"), max_length=40,
                                 error_messages={"required": _("Hãy nhập tên ngắn cho nút bấm."),
                                                 "max_length": _("Tên ngắn tối đa %(limit_value)d ký tự.")})
    pillar = forms.ChoiceField(label=_("Lĩnh vực"), choices=ServicePillar.choices)
    order = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=999, initial=100,
                               error_messages={"invalid": _("Hãy nhập một số nguyên.")})
    is_active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True,
                                   help_text=_("Bỏ đánh dấu để ngừng dùng: dịch vụ không hiện trên trang nhật ký nữa, "
                                               "các hoạt động đã ghi vẫn giữ."))
    was = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the version the page showed

    def __init__(self, *args, service=None, read_only: bool = False, **kwargs):
        if service is not None:
            kwargs.setdefault("initial", {}).update({
                "code": service.code, "name": service.name, "short_name": service.short_name,
                "pillar": service.pillar, "order": service.order, "is_active": service.is_active,
                "was": service.version})
        super().__init__(*args, **kwargs)
        if read_only:  # a national service on a province admin's page: shown, not changed
            for field in self.fields.values():
                field.disabled = True
        if service is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Mã không đổi: điện thoại và tệp nhật ký dùng mã này.")


class LinkForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Chỉ số"), queryset=countable_indicators().none(),
                                       error_messages={"required": _("Hãy chọn chỉ số."), "invalid_choice": _(
                                           "Chỉ nối được với chỉ số đếm, cộng dồn trong kỳ và đang dùng.")})
    measure = forms.ChoiceField(label=_("Tính theo"), choices=Measure.choices)

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = countable_indicators(province)
