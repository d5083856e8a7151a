from django.urls import path

from reports import views

app_name = "reports"

commune = "communes/<id:code>/"
province = "provinces/<id:province_code>/"

urlpatterns = [
    path(commune + "dashboard/", views.commune_dashboard, name="dashboard"),
    path(commune + "records/", views.record_list, name="record_list"),
    path(commune + "report/export/", views.commune_report_export, name="commune_report_export"),
    path(commune + "report/document/", views.commune_report_document, name="commune_report_document"),
    path(commune + "records/export/", views.commune_records_export, name="commune_records_export"),
    path("my/province/overview/", views.my_province_overview, name="my_province_overview"),
    path(province + "overview/", views.province_overview_view, name="province_overview"),
    path(province + "overview/export/", views.province_overview_export, name="province_overview_export"),
    path(province + "records/export/", views.province_records_export, name="province_records_export"),
    path("exports/<uuid:export_id>/", views.export_status, name="export_status"),
    path("exports/<uuid:export_id>/download/", views.export_download, name="export_download"),
    path("exports/<uuid:export_id>/again/", views.export_again, name="export_again"),
    path("my/record/", views.my_record, name="my_record"),
    path("certificates/", views.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:certificate_code>/", views.certificate, name="certificate"),
]
