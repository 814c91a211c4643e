from django.urls import path

from meetings import views
from meetings.importer import views as import_views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("search/", views.search, name="search"),
    path("cases/<str:key>/", views.case_detail, name="case_detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("import/", import_views.import_page, name="import_page"),
    path("import/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/<int:pk>/restart/", import_views.import_job_restart, name="import_job_restart"),
]
