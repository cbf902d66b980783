from django.urls import path

from . import form_views, rule_views
from . import settings_views as views

app_name = "report_settings"

urlpatterns = [
    path("", views.index, name="index"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/new/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/retire/", views.indicator_retire, name="indicator_retire"),
    path("indicators/<int:pk>/move/", views.indicator_move, name="indicator_move"),
    path("forms/", form_views.form_list, name="forms"),
    path("forms/new/", form_views.form_add, name="form_add"),
    path("forms/<int:pk>/", form_views.form_edit, name="form_edit"),
    path("forms/<int:pk>/lines/", form_views.form_lines, name="form_lines"),
    path("forms/<int:pk>/copy/", form_views.form_copy, name="form_copy"),
    path("forms/<int:pk>/state/", form_views.form_state, name="form_state"),
    path("rules/", rule_views.rule_list, name="rules"),
    path("rules/new/", rule_views.rule_add, name="rule_add"),
    path("rules/<int:pk>/", rule_views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/retire/", rule_views.rule_retire, name="rule_retire"),
    path("targets/", views.targets, name="targets"),
    path("targets/import/", views.targets_import, name="targets_import"),
    path("targets/template.xlsx", views.targets_template, name="targets_template"),
    path("targets/<int:indicator_pk>/<int:year>/", views.targets_communes, name="targets_communes"),
    path("targets/<int:indicator_pk>/<int:year>/<str:code>/", views.targets_villages, name="targets_villages"),
    path("progress/", views.progress, name="progress"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_add, name="request_add"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/open/", views.request_open, name="request_open"),
]
