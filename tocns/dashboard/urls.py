from django.urls import path

from .views import home, households, overview, province, units

app_name = "dashboard"

urlpatterns = [
    path("", home.home, name="home"),
    path("tong-quan/", overview.overview, name="overview"),
    path("tong-quan/excel/", overview.overview_xlsx, name="overview_xlsx"),
    path("so-ho/", households.households, name="households"),
    path("so-ho/nhap/", households.households_import, name="households_import"),
    path("so-ho/mau/", households.households_template, name="households_template"),
    path("so-ho/thon/<str:code>/", households.household_village, name="household_village"),
    path("units/", units.unit_list, name="units"),
    path("tinh/thong-tin/", province.province_profile_mine, name="province_profile_mine"),
    path("tinh/<str:code>/thong-tin/", province.province_profile_edit, name="province_profile"),
    path("units/import/", units.village_import, name="village_import"),
    path("units/import/<int:pk>/", units.village_import_preview, name="village_import_preview"),
    path("units/import/<int:pk>/confirm/", units.village_import_confirm, name="village_import_confirm"),
    path("units/<str:code>/", units.unit_detail, name="unit_detail"),
    path("units/<str:code>/merge/", units.villages_merge, name="villages_merge"),
    path("units/<str:code>/split/", units.village_split, name="village_split"),
]
