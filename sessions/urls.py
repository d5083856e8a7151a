from django.urls import path

from sessions.views import attendance, calendars, campaigns, lists, offline, planning, recording

app_name = "sessions"

commune = "communes/<id:code>/"
session = commune + "sessions/<id:session_id>/"
record = session + "records/<id:record_id>/"
campaign = commune + "campaigns/<id:campaign_id>/"
province = "provinces/<id:province_code>/"

urlpatterns = [
    path("my/shifts/", lists.my_shifts_view, name="my_shifts"),
    path("my/shifts/now/", lists.current_shift, name="current_shift"),
    path("my/teams/", lists.my_teams, name="my_teams"),
    path(commune + "sessions/", lists.session_list_view, name="session_list"),
    path(commune + "sessions/new/", planning.session_create, name="session_create"),
    path(commune + "sessions/batch/", planning.session_batch, name="session_batch"),
    path(commune + "teams/<id:team_id>/sessions/", lists.team_sessions, name="team_sessions"),
    path(session, planning.session_detail, name="session_detail"),
    path(session + "edit/", planning.session_edit, name="session_edit"),
    path(session + "cancel/", planning.session_cancel, name="session_cancel"),
    path(session + "restore/", planning.session_restore, name="session_restore"),
    path(session + "close/", planning.session_close, name="session_close"),
    path(session + "reopen/", planning.session_reopen, name="session_reopen"),
    path(session + "signup/", attendance.session_signup, name="session_signup"),
    path(session + "withdraw/", attendance.session_withdraw, name="session_withdraw"),
    path(session + "attendance/", attendance.session_attendance, name="session_attendance"),
    path(session + "assign/", attendance.session_assign, name="session_assign"),
    path(session + "record/", recording.record_page, name="record_page"),
    path(session + "records/", recording.session_records, name="session_records"),
    path(session + "records/new/", recording.record_create, name="record_create"),
    path(record + "edit/", recording.record_edit, name="record_edit"),
    path(record + "undo/", recording.record_undo, name="record_undo"),
    path(session + "review/<id:entry_id>/accept/", recording.review_accept, name="review_accept"),
    path(session + "review/<id:entry_id>/reject/", recording.review_reject, name="review_reject"),
    path("my/sync/", offline.record_sync, name="record_sync"),
    path("my/calendar/", calendars.my_calendar, name="my_calendar"),
    path(commune + "calendar/", calendars.commune_calendar, name="commune_calendar"),
    path("calendar/<str:feed_token>.ics", calendars.calendar_feed, name="calendar_feed"),
    path(session + "calendar.ics", calendars.session_ics, name="session_ics"),
    path(session + "qr/", calendars.session_qr, name="session_qr"),
    path(session + "check-in/<str:checkin_code>/", calendars.session_checkin, name="session_checkin"),
    path("my/offline-pages/", offline.offline_pages, name="offline_pages"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path(commune + "campaigns/", campaigns.campaign_list, name="campaign_list"),
    path(commune + "campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path(campaign, campaigns.campaign_detail, name="campaign_detail"),
    path(campaign + "edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("my/province/campaigns/", campaigns.my_province_campaigns, name="my_province_campaigns"),
    path(province + "campaigns/", campaigns.province_campaigns, name="province_campaigns"),
    path(province + "campaigns/new/", campaigns.province_campaign_create, name="province_campaign_create"),
    path(
        province + "campaigns/<id:province_campaign_id>/edit/",
        campaigns.province_campaign_edit,
        name="province_campaign_edit",
    ),
]
