from django.urls import path

from . import difficulty_views, rule_views, upload_views, views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("open/", views.report_open, name="open"),
    path("completeness/", views.completeness, name="completeness"),
    path("rollup/", views.rollup, name="rollup"),
    path("rollup/document/", views.rollup_document, name="rollup_document"),
    path("validation/", rule_views.validation_analysis, name="validation"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/check/<str:code>/", views.value_check, name="check"),
    path("<int:pk>/review/", views.report_review, name="review"),
    path("<int:pk>/reopen/", views.report_reopen, name="reopen"),
    path("<int:pk>/zalo/", views.report_zalo, name="zalo"),
    path("upload/", upload_views.upload_start, name="upload"),
    path("upload/sheet/", upload_views.upload_sheet, name="upload_sheet"),
    path("upload/<int:pk>/", upload_views.upload_detail, name="upload_detail"),
    path("upload/<int:pk>/discard/", upload_views.upload_discard, name="upload_discard"),
    # difficulties-tasks: difficulties and proposals followed up (issue #15)
    path("kho-khan/", difficulty_views.difficulty_list, name="difficulties"),
    path("kho-khan/theo-xa/", difficulty_views.difficulty_by_commune, name="difficulties_by_commune"),
    path("kho-khan/excel/", difficulty_views.difficulty_export, name="difficulties_export"),
    path("kho-khan/cai-dat/", difficulty_views.difficulty_rules, name="difficulty_rules"),
    path("kho-khan/<int:pk>/", difficulty_views.difficulty_detail, name="difficulty"),
]
