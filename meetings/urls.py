from django.urls import path

from meetings import review_views, views
from meetings.importer import views as import_views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("cases/<str:key>/", views.case_detail, name="case_detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    # Review and history (meetings/review_views.py).
    path("meetings/<int:pk>/review/", review_views.meeting_review, name="meeting_review"),
    path(
        "meetings/<int:pk>/transitions/",
        review_views.meeting_transition_view,
        name="meeting_transition",
    ),
    path("meetings/<int:pk>/history/", review_views.meeting_history_view, name="meeting_history"),
    path("items/<int:pk>/approve/", review_views.item_approve_view, name="item_approve"),
    path(
        "items/<int:pk>/request-changes/",
        review_views.item_request_changes_view,
        name="item_request_changes",
    ),
    path("items/<int:pk>/history/", review_views.item_history_view, name="item_history"),
    path("tasks/", review_views.tasks, name="tasks"),
    path("import/", import_views.import_page, name="import_page"),
    path("import/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/<int:pk>/restart/", import_views.import_job_restart, name="import_job_restart"),
]
