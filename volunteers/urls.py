from django.urls import path

from volunteers import views

app_name = "volunteers"

commune = "communes/<id:code>/"
team = commune + "teams/<id:team_id>/"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path(commune + "roster/", views.roster, name="roster"),
    path(commune + "audit/", views.commune_audit, name="commune_audit"),
    path("provinces/<id:province_code>/audit/", views.province_audit, name="province_audit"),
    path(commune + "roster/export.xlsx", views.roster_export, name="roster_export"),
    path(commune + "roster/import/", views.roster_upload, name="roster_import"),
    path(commune + "roster/template.<str:file_format>", views.roster_template, name="roster_template"),
    path(commune + "volunteers/new/", views.volunteer_create, name="volunteer_create"),
    path(commune + "volunteers/<id:volunteer_id>/", views.volunteer_detail, name="volunteer_detail"),
    path(commune + "volunteers/<id:volunteer_id>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path(commune + "volunteers/<id:volunteer_id>/retire/", views.volunteer_retire, name="volunteer_retire"),
    path(commune + "volunteers/<id:volunteer_id>/invite/", views.volunteer_invite, name="volunteer_invite"),
    path(commune + "teams/", views.team_list, name="team_list"),
    path(commune + "teams/new/", views.team_create, name="team_create"),
    path(team, views.team_detail, name="team_detail"),
    path(team + "edit/", views.team_edit, name="team_edit"),
    path(team + "retire/", views.team_retire, name="team_retire"),
    path(team + "members/add/", views.membership_add, name="membership_add"),
    path(team + "members/<id:membership_id>/end/", views.membership_end, name="membership_end"),
    path(commune + "hamlets/", views.hamlet_list, name="hamlet_list"),
    path(commune + "hamlets/new/", views.hamlet_create, name="hamlet_create"),
    path(commune + "hamlets/<id:hamlet_id>/edit/", views.hamlet_edit, name="hamlet_edit"),
    path(commune + "hamlets/<id:hamlet_id>/retire/", views.hamlet_retire, name="hamlet_retire"),
]
