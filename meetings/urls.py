from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("search/", views.search, name="search"),
    path("cases/<str:key>/", views.case_detail, name="case_detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
