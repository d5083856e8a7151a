from django.urls import path

from sessions import views

app_name = "sessions"

commune = "communes/<int:code>/"
session = commune + "sessions/<int:session_id>/"
record = session + "records/<int:record_id>/"
campaign = commune + "campaigns/<int:campaign_id>/"
province = "provinces/<int:province_code>/"

urlpatterns = [
    path("my/shifts/", views.my_shifts_view, name="my_shifts"),
    path("my/shifts/now/", views.current_shift, name="current_shift"),
    path(commune + "sessions/", views.session_list_view, name="session_list"),
    path(commune + "sessions/new/", views.session_create, name="session_create"),
    path(commune + "sessions/batch/", views.session_batch, name="session_batch"),
    path(commune + "teams/<int:team_id>/sessions/", views.team_sessions, name="team_sessions"),
    path(session, views.session_detail, name="session_detail"),
    path(session + "edit/", views.session_edit, name="session_edit"),
    path(session + "cancel/", views.session_cancel, name="session_cancel"),
    path(session + "close/", views.session_close, name="session_close"),
    path(session + "reopen/", views.session_reopen, name="session_reopen"),
    path(session + "signup/", views.session_signup, name="session_signup"),
    path(session + "withdraw/", views.session_withdraw, name="session_withdraw"),
    path(session + "attendance/", views.session_attendance, name="session_attendance"),
    path(session + "assign/", views.session_assign, name="session_assign"),
    path(session + "record/", views.record_page, name="record_page"),
    path(session + "records/", views.session_records, name="session_records"),
    path(session + "records/new/", views.record_create, name="record_create"),
    path(record + "edit/", views.record_edit, name="record_edit"),
    path(record + "undo/", views.record_undo, name="record_undo"),
    path(commune + "campaigns/", views.campaign_list, name="campaign_list"),
    path(commune + "campaigns/new/", views.campaign_create, name="campaign_create"),
    path(campaign, views.campaign_detail, name="campaign_detail"),
    path(campaign + "edit/", views.campaign_edit, name="campaign_edit"),
    path("my/province/campaigns/", views.my_province_campaigns, name="my_province_campaigns"),
    path(province + "campaigns/", views.province_campaigns, name="province_campaigns"),
    path(province + "campaigns/new/", views.province_campaign_create, name="province_campaign_create"),
    path(
        province + "campaigns/<int:province_campaign_id>/edit/",
        views.province_campaign_edit,
        name="province_campaign_edit",
    ),
]
