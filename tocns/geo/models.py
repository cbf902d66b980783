"""Administrative units: province, commune (xã, phường, đặc khu) and village (thôn, tổ dân phố)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.lib.models import save_with_folded


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    DAC_KHU = "dac_khu", _("Đặc khu")
    THON = "thon", _("Thôn")
    TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    VILLAGE = "village", _("Cấp thôn")


COMMUNE_KINDS = (UnitKind.XA, UnitKind.PHUONG, UnitKind.DAC_KHU)
VILLAGE_KINDS = (UnitKind.THON, UnitKind.TO_DAN_PHO)
LEVEL_OF_KIND = {
    UnitKind.PROVINCE: UnitLevel.PROVINCE,
    UnitKind.XA: UnitLevel.COMMUNE,
    UnitKind.PHUONG: UnitLevel.COMMUNE,
    UnitKind.DAC_KHU: UnitLevel.COMMUNE,
    UnitKind.THON: UnitLevel.VILLAGE,
    UnitKind.TO_DAN_PHO: UnitLevel.VILLAGE,
}


class AdminUnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_on__isnull=True)

    def communes(self):
        return self.filter(kind__in=COMMUNE_KINDS)

    def villages(self):
        return self.filter(kind__in=VILLAGE_KINDS)

    def provinces(self):
        return self.filter(kind=UnitKind.PROVINCE)


class AdminUnit(models.Model):
    """One unit at any of the three levels.

    Three fixed levels, so no tree library: each row also stores its `province` and its
    `commune` (a unit points to itself at its own level), which makes every scope filter a
    single indexed equality.
    """

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    province = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commune = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)
    retired_on = models.DateField(_("ngày thôi sử dụng"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["name_folded", "code"]
        indexes = [
            models.Index(fields=["parent", "retired_on"], name="geo_unit_parent_active"),
            models.Index(fields=["province", "kind"], name="geo_unit_province_kind"),
            models.Index(fields=["commune", "kind"], name="geo_unit_commune_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(code=""), name="geo_unit_code_not_empty"),
            models.CheckConstraint(condition=~models.Q(name=""), name="geo_unit_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        save_with_folded(self, super().save, args, kwargs, source="name", target="name_folded")

    @property
    def level(self) -> str:
        return LEVEL_OF_KIND[self.kind]

    @property
    def is_province(self) -> bool:
        return self.kind == UnitKind.PROVINCE

    @property
    def is_commune(self) -> bool:
        return self.kind in COMMUNE_KINDS

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS

    @property
    def is_active(self) -> bool:
        return self.retired_on is None

    def successors(self):
        """Units that took this one's place through recorded merges or splits."""
        return AdminUnit.objects.filter(created_by_changes__retired_units=self).distinct()

    def predecessors(self):
        return AdminUnit.objects.filter(retired_by_changes__successor_units=self).distinct()


class UnitChangeKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập")
    SPLIT = "split", _("Chia tách")


class UnitChange(models.Model):
    """A merge or a split, with the decision behind it. Old units are retired, never deleted."""

    kind = models.CharField(_("loại thay đổi"), max_length=10, choices=UnitChangeKind.choices)
    effective_date = models.DateField(_("ngày có hiệu lực"))
    decision_number = models.CharField(_("số quyết định"), max_length=50)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    retired_units = models.ManyToManyField(AdminUnit, related_name="retired_by_changes")
    successor_units = models.ManyToManyField(AdminUnit, related_name="created_by_changes")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi địa giới")
        verbose_name_plural = _("thay đổi địa giới")
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decision_number}"


class VillageImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Đã kiểm tra")
    APPLIED = "applied", _("Đã nhập")


class VillageImport(models.Model):
    """A checked village file waiting for confirmation, kept in the database so the preview
    and the confirmation can be served by different web processes."""

    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=VillageImportStatus.choices, default=VillageImportStatus.PREVIEWED
    )
    result = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.get("errors"))

    @property
    def valid_count(self) -> int:
        return sum(1 for row in self.rows if not row.get("errors"))


class FigureSource(models.TextChoices):
    TYPED = "typed", _("Nhập trên trang")
    IMPORTED = "imported", _("Nhập từ tệp Excel")


class VillageFiguresQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class VillageFigures(models.Model):
    """A village's households and population (số hộ, số nhân khẩu) as of a date: the plan's aim is
    every household (II.2.1), so these are what households reached are measured against.

    Each change is a new row: the one with `is_current` holds, the earlier ones stay as history.
    `version` counts the village's rows (1, 2, …): the edit page sends the version it showed, so
    two people typing the same village never silently overwrite each other."""

    village = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="figures",
                                verbose_name=_("thôn, tổ dân phố"))
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    households = models.PositiveIntegerField(_("số hộ"))
    population = models.PositiveIntegerField(_("số nhân khẩu"), null=True, blank=True)
    as_of = models.DateField(_("số liệu tính đến ngày"))
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    source = models.CharField(max_length=10, choices=FigureSource.choices, default=FigureSource.TYPED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    objects = VillageFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("số hộ, nhân khẩu của thôn")
        verbose_name_plural = _("số hộ, nhân khẩu của thôn")
        ordering = ["village", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["village", "version"], name="geo_figures_version_once"),
            models.UniqueConstraint(fields=["village"], condition=models.Q(is_current=True),
                                    name="geo_figures_one_current"),
            models.CheckConstraint(condition=models.Q(population__isnull=True)
                                   | models.Q(population__gte=models.F("households")),
                                   name="geo_figures_population_covers_households"),
        ]
        indexes = [models.Index(fields=["province", "is_current"], name="geo_figures_province"),
                   models.Index(fields=["commune", "is_current"], name="geo_figures_commune")]

    def __str__(self) -> str:
        return f"{self.village_id}: {self.households} hộ ({self.as_of:%d/%m/%Y})"


class ProvinceWord(models.TextChoices):
    """How the province is named inside a sentence: "tỉnh Tuyên Quang", "thành phố Hà Nội"."""

    TINH = "tinh", _("tỉnh")
    THANH_PHO = "thanh_pho", _("thành phố")


# What the plan is about, cited after its number and date ("Kế hoạch số … ngày … của Ủy ban nhân dân
# tỉnh … về <title>"): the words of the plans provinces made from the same national programme.
DEFAULT_PLAN_TITLE = "tổ chức triển khai Tổ công nghệ số cộng đồng cấp xã, cấp thôn"


class ProvinceProfile(models.Model):
    """What differs between provinces and is printed or linked, kept as data the province admin
    edits: how the province is named in sentences, the plan its documents cite, its portal links.

    `version` counts the saves: the settings page sends the version it showed, so two admins
    editing at once never silently overwrite each other. Each change is also in the audit log."""

    province = models.OneToOneField(AdminUnit, on_delete=models.PROTECT, related_name="profile",
                                    verbose_name=_("tỉnh, thành phố"))
    word = models.CharField(_("gọi trong câu là"), max_length=10, choices=ProvinceWord.choices,
                            default=ProvinceWord.TINH)
    plan_number = models.CharField(_("số kế hoạch"), max_length=50, blank=True)
    plan_date = models.DateField(_("ngày ban hành kế hoạch"), null=True, blank=True)
    plan_title = models.CharField(_("trích yếu kế hoạch"), max_length=300, default=DEFAULT_PLAN_TITLE)
    portal_links = models.JSONField(_("liên kết cổng thông tin"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thông tin riêng của tỉnh")
        verbose_name_plural = _("thông tin riêng của tỉnh")

    def __str__(self) -> str:
        return str(self.province)
