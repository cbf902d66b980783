from django.urls import path

from .views import home, overview, units

app_name = "dashboard"

urlpatterns = [
    path("", home.home, name="home"),
    path("tong-quan/", overview.overview, name="overview"),
    path("tong-quan/excel/", overview.overview_xlsx, name="overview_xlsx"),
    path("units/", units.unit_list, name="units"),
    path("units/import/", units.village_import, name="village_import"),
    path("units/import/<int:pk>/", units.village_import_preview, name="village_import_preview"),
    path("units/import/<int:pk>/confirm/", units.village_import_confirm, name="village_import_confirm"),
    path("units/<str:code>/", units.unit_detail, name="unit_detail"),
    path("units/<str:code>/merge/", units.villages_merge, name="villages_merge"),
    path("units/<str:code>/split/", units.village_split, name="village_split"),
]
