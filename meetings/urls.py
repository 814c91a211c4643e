from django.urls import path

from meetings import drafting_views, review_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("meetings/new/", drafting_views.meeting_create, name="meeting_create"),
    path(
        "meetings/new/participants/",
        drafting_views.meeting_participants,
        name="meeting_participants",
    ),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("search/", views.search, name="search"),
    path("meetings/<int:pk>/edit/", drafting_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/items/new/", drafting_views.item_add, name="item_add"),
    path("meetings/<int:pk>/reorder/", drafting_views.meeting_reorder, name="meeting_reorder"),
    path("items/<int:pk>/edit/", drafting_views.item_edit, name="item_edit"),
    path("items/<int:pk>/autosave/", drafting_views.item_autosave, name="item_autosave"),
    path("items/<int:pk>/presence/", drafting_views.item_presence, name="item_presence"),
    path("items/<int:pk>/move/", drafting_views.item_move, name="item_move"),
    path("items/<int:pk>/remove/", drafting_views.item_remove, name="item_remove"),
    path(
        "items/<int:pk>/attachments/",
        drafting_views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "attachments/<int:pk>/remove/",
        drafting_views.attachment_remove,
        name="attachment_remove",
    ),
    path("cases/suggest/", drafting_views.case_suggest, name="case_suggest"),
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
]
