"""The pages of the core: meetings, drafting, review, history, cases, search, attachments."""

from django.urls import path

from meetings.views import (
    agenda,
    drafting,
    members,
    municipality,
    pages,
    protocol,
    public,
    publication,
    review,
)

app_name = "meetings"

urlpatterns = [
    path("", pages.meeting_list, name="meeting_list"),
    path("meetings/new/", drafting.meeting_create, name="meeting_create"),
    path(
        "meetings/new/participants/",
        drafting.meeting_participants,
        name="meeting_participants",
    ),
    path("meetings/<int:pk>/", pages.meeting_detail, name="meeting_detail"),
    path("search/", pages.search, name="search"),
    # The public portal (meetings/views/public.py): feeds, calendars, accessibility.
    path("feeds/bodies/<slug:slug>/", public.body_feed, name="body_feed"),
    path("feeds/cases/<path:key>/", public.case_feed, name="case_feed"),
    path("calendars/<slug:slug>.ics", public.body_calendar, name="body_calendar"),
    path(
        "tilgaengelighed/",
        public.accessibility_statement,
        name="accessibility_statement",
    ),
    path("meetings/<int:pk>/edit/", drafting.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/items/new/", drafting.item_add, name="item_add"),
    path("meetings/<int:pk>/reorder/", drafting.meeting_reorder, name="meeting_reorder"),
    path("items/<int:pk>/edit/", drafting.item_edit, name="item_edit"),
    path("items/<int:pk>/autosave/", drafting.item_autosave, name="item_autosave"),
    path("items/<int:pk>/presence/", drafting.item_presence, name="item_presence"),
    path("items/<int:pk>/move/", drafting.item_move, name="item_move"),
    path("items/<int:pk>/remove/", drafting.item_remove, name="item_remove"),
    path(
        "items/<int:pk>/attachments/",
        drafting.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "attachments/<int:pk>/remove/",
        drafting.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "attachments/<int:pk>/internal/",
        drafting.attachment_internal,
        name="attachment_internal",
    ),
    path("cases/suggest/", drafting.case_suggest, name="case_suggest"),
    # A case number may hold a slash (a municipality's own pattern may write "2012/123").
    path("cases/<path:key>/", pages.case_detail, name="case_detail"),
    path("attachments/<int:pk>/", pages.attachment_download, name="attachment_download"),
    # Review and history (meetings/views/review.py).
    path("meetings/<int:pk>/review/", review.meeting_review, name="meeting_review"),
    path(
        "meetings/<int:pk>/publish-agenda/",
        publication.meeting_publish_agenda_view,
        name="meeting_publish_agenda",
    ),
    path(
        "meetings/<int:pk>/transitions/",
        review.meeting_transition_view,
        name="meeting_transition",
    ),
    path("meetings/<int:pk>/signer/", review.meeting_signer_view, name="meeting_signer"),
    path("meetings/<int:pk>/history/", review.meeting_history_view, name="meeting_history"),
    path("items/<int:pk>/approve/", review.item_approve_view, name="item_approve"),
    path(
        "items/<int:pk>/request-changes/",
        review.item_request_changes_view,
        name="item_request_changes",
    ),
    path("items/<int:pk>/history/", review.item_history_view, name="item_history"),
    path("tasks/", review.tasks, name="tasks"),
    # The agenda's routine (meetings/views/agenda.py).
    path("bodies/<str:slug>/settings/", agenda.body_settings, name="body_settings"),
    path(
        "municipality/settings/",
        municipality.municipality_settings,
        name="municipality_settings",
    ),
    path("municipality/logo/", municipality.municipality_logo, name="municipality_logo"),
    path("meetings/<int:pk>/copy-items/", agenda.meeting_copy_items, name="meeting_copy_items"),
    path(
        "meetings/<int:pk>/postponed/<int:item_pk>/take-up/",
        agenda.item_take_up,
        name="item_take_up",
    ),
    # A body's members (meetings/views/members.py).
    path("bodies/<slug:slug>/members/", members.body_members, name="body_members"),
    path("bodies/<slug:slug>/members/<int:pk>/", members.member_edit, name="member_edit"),
    path(
        "bodies/<slug:slug>/members/<int:pk>/remove/",
        members.member_remove,
        name="member_remove",
    ),
    path("bodies/<slug:slug>/parties/", members.party_add, name="party_add"),
    # The protocol (meetings/views/protocol.py).
    path("items/<int:pk>/protocol/", protocol.item_protocol, name="item_protocol"),
    path(
        "items/<int:pk>/participation/",
        protocol.participation_save,
        name="participation_save",
    ),
    path("items/<int:pk>/absence/", protocol.absence_quick, name="absence_quick"),
    path("items/<int:pk>/votes/", protocol.vote_add, name="vote_add"),
    path("items/<int:pk>/votes/preview/", protocol.vote_preview, name="vote_preview"),
    path("votes/<int:pk>/remove/", protocol.vote_remove, name="vote_remove"),
    path(
        "items/<int:pk>/public-decision/",
        protocol.public_decision_save,
        name="public_decision_save",
    ),
    path("items/<int:pk>/remarks/", protocol.remark_save_view, name="remark_save"),
    path("remarks/<int:pk>/withdraw/", protocol.remark_withdraw, name="remark_withdraw"),
    path("items/<int:pk>/addenda/", protocol.addendum_add_view, name="addendum_add"),
    path("addenda/<int:pk>/approve/", protocol.addendum_approve_view, name="addendum_approve"),
]
