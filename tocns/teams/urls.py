from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="list"),
    path("coverage/", views.coverage, name="coverage"),
    path("propose/<str:code>/", views.team_propose, name="propose"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/history/", views.team_history, name="history"),
    path("<int:pk>/zalo/", views.team_zalo, name="zalo"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:membership_pk>/end/", views.member_end, name="member_end"),
    path("<int:pk>/members/<int:membership_pk>/role/", views.member_role, name="member_role"),
    path("<int:pk>/members/<int:membership_pk>/leave/", views.leave_request, name="leave_request"),
    path("<int:pk>/members/import/", views.members_import, name="members_import"),
    path("<int:pk>/members/template.xlsx", views.members_template, name="members_template"),
    path("<int:pk>/members.xlsx", views.members_export, name="members_export"),
    path("<int:pk>/decision-draft.docx", views.decision_draft, name="decision_draft"),
    path("<int:pk>/members-decision-draft.docx", views.members_decision_draft, name="members_decision_draft"),
    path("<int:pk>/members-decision/", views.members_decision, name="members_decision"),
    path("rules/", views.team_rules, name="rules"),
    path("<int:pk>/establish/", views.team_establish, name="establish"),
    path("<int:pk>/dissolve/", views.team_dissolve, name="dissolve"),
    path("<int:pk>/applications/new/", views.application_record, name="application_record"),
    path("communes/<str:code>/members.xlsx", views.commune_members_export, name="commune_members_export"),
    path("decisions/<int:decision_pk>/file/", views.decision_file, name="decision_file"),
    path("people/<int:person_pk>/", views.person_edit, name="person"),
    path("me/phone/", views.my_phone, name="my_phone"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:application_pk>/", views.application_detail, name="application"),
]
