"""The JSON API of the review workflow and history.

    POST /api/meetings/{id}/transitions/   {"action": "submit_for_review" | "approve" |
                                            "reopen" | "publish", "reason": "…"}
    POST /api/meetings/{id}/signer/        {"signer": user id}: who signs minutes that no
                                            member attended (the secretary names a member)
    POST /api/items/{id}/approve/          {"text_hash": "…" (optional), "comment": "…"}
    POST /api/items/{id}/request-changes/  {"comment": "…"}
    GET  /api/items/{id}/review/           where the item's decision stands, and its hash
    GET  /api/items/{id}/history/          the item's recorded changes, as the user may read them
    GET  /api/tasks/                       what awaits the user ("Mine opgaver")

Meetings and items are found through the visibility rule (404 otherwise). Refusals carry a
Danish `detail`: 403 who may not, 409 a state that does not allow it (or content changed
since it was read), 423 an approved, locked decision. Every response is Cache-Control:
no-store.
"""

from __future__ import annotations

from typing import Any

from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.ids import parse_id
from meetings.access import (
    get_item_for_user,
    get_meeting_for_user,
    log_closed_items_opened,
    meeting_reviewers,
    meeting_signer,
    user_sees_review_internals,
)
from meetings.errors import DomainError
from meetings.models import AgendaItem, Meeting
from meetings.selectors.history import item_history
from meetings.selectors.review import DecisionReview, decision_review, fresh_item, tasks_for
from meetings.services.review import (
    TRANSITION_ACTIONS,
    decision_approve,
    decision_request_changes,
    meeting_name_signer,
    meeting_transition,
)


class TransitionRequest(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(TRANSITION_ACTIONS))
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    # Send minutes whose items lack a decision or an outcome, having seen the list (409).
    send_anyway = serializers.BooleanField(required=False, default=False)


_NOT_AN_ID = _lazy("“signer” skal være id’et (et helt tal) på et medlem af organet.")


class SignerRequest(serializers.Serializer):
    signer = serializers.JSONField(
        help_text="Id på den bruger (formand eller medlem af organet), der underskriver.",
        error_messages={
            "required": _lazy("Angiv “signer”: id på den, der underskriver."),
            "null": _NOT_AN_ID,
            "invalid": _NOT_AN_ID,
        },
    )

    def validate_signer(self, value: Any) -> int:
        signer_id = parse_id(value)
        if signer_id is None:
            raise serializers.ValidationError(str(_NOT_AN_ID))
        return signer_id


class ApproveRequest(serializers.Serializer):
    text_hash = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RequestChangesRequest(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True)


MeetingStatusSerializer = inline_serializer(
    "MeetingStatus",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "status_label": serializers.CharField(),
        "signer": serializers.DictField(
            allow_null=True,
            help_text="Den udpegede underskriver, når ingen af organets medlemmer deltog.",
        ),
        "transitions": inline_serializer(
            "MeetingTransitionOut",
            {
                "action": serializers.CharField(),
                "action_label": serializers.CharField(),
                "from_status": serializers.CharField(),
                "to_status": serializers.CharField(),
                "by": serializers.DictField(),
                "reason": serializers.CharField(),
                "signer": serializers.DictField(allow_null=True),
                "file": serializers.DictField(
                    allow_null=True, help_text="Arkivimportens fil: name og sha256."
                ),
                "at": serializers.DateTimeField(),
            },
            many=True,
        ),
    },
)
ItemReviewSerializer = inline_serializer(
    "ItemReview",
    {
        "item": serializers.IntegerField(),
        "number": serializers.IntegerField(),
        "meeting": serializers.IntegerField(),
        "meeting_status": serializers.CharField(),
        "locked": serializers.BooleanField(),
        "text_hash": serializers.CharField(),
        "round": serializers.IntegerField(),
        "reviewers": serializers.ListField(child=serializers.DictField()),
        "changes_since_my_last_review": serializers.ListField(),
    },
)
HistorySerializer = inline_serializer(
    "ItemHistory",
    {
        "item": serializers.IntegerField(),
        "events": serializers.ListField(child=serializers.DictField()),
    },
)
ErrorSerializer = inline_serializer("ReviewError", {"detail": serializers.CharField()})
ERRORS = {403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer, 423: ErrorSerializer}


def _user_json(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def meeting_status_json(meeting: Meeting, user: Any) -> dict[str, Any]:
    show_reasons = user_sees_review_internals(user, meeting)
    signer = meeting_signer(meeting)
    return {
        "id": meeting.pk,
        "status": meeting.status,
        "status_label": meeting.get_status_display(),
        "signer": _user_json(signer) if signer is not None else None,
        "transitions": [
            {
                "action": t.action,
                "action_label": t.get_action_display(),
                "from_status": t.from_status,
                "to_status": t.to_status,
                "by": _user_json(t.by),
                "reason": t.reason if show_reasons else "",
                "signer": _user_json(t.signer) if t.signer is not None else None,
                "file": (
                    {"name": t.file_name, "sha256": t.file_sha256}
                    if t.file_name or t.file_sha256
                    else None
                ),
                "at": t.created_at.isoformat(),
            }
            for t in meeting.transitions.select_related("by", "signer")
        ],
    }


def item_review_json(review: DecisionReview, user: Any) -> dict[str, Any]:
    item = review.item
    diff = review.diff_for(user)
    internals = user_sees_review_internals(user, item.meeting)
    return {
        "item": item.pk,
        "number": item.number,
        "meeting": item.meeting_id,
        "meeting_status": item.meeting.status,
        "locked": review.locked,
        "text_hash": review.text_hash,
        "round": review.decision.review_round,
        "reviewers": [
            {
                **_user_json(v.reviewer),
                "state": v.state,
                "label": v.label,
                "changed_since": v.changed_since,
                "comment": v.latest.comment
                if v.latest and (internals or v.state == "approved")
                else "",
                "at": v.latest.updated_at.isoformat() if v.latest else None,
            }
            for v in review.verdicts
        ],
        "changes_since_my_last_review": [
            [{"kind": line.kind, "text": line.text} for line in hunk] for hunk in diff
        ],
    }


class ReviewAPIView(APIView):
    """Keeps every response of the review API out of caches."""

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response

    def visible_item(self, pk: int) -> AgendaItem:
        item = get_item_for_user(self.request.user, pk)
        if item.closed:
            log_closed_items_opened(
                self.request.user,
                meeting_id=item.meeting_id,
                numbers=[item.number],
                via=f"api:{self.request.path}",
            )
        return item

    def review_of(self, item: AgendaItem) -> DecisionReview:
        item = fresh_item(item.pk)
        if not hasattr(item, "decision"):
            raise DomainError(_("Punktet har ingen beslutning at godkende."))
        return decision_review(item, meeting_reviewers(item.meeting))


class MeetingTransitionAPI(ReviewAPIView):
    @extend_schema(
        request=TransitionRequest,
        responses={200: MeetingStatusSerializer, **ERRORS},
        summary="Flyt referatet: send til godkendelse, godkend, offentliggør eller genåbn",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = get_meeting_for_user(request.user, pk)
        data = TransitionRequest(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = meeting_transition(
            meeting=meeting,
            actor=request.user,  # type: ignore[arg-type]
            action=data.validated_data["action"],
            reason=data.validated_data["reason"],
            send_anyway=data.validated_data["send_anyway"],
        )
        return Response(meeting_status_json(meeting, request.user))


class MeetingSignerAPI(ReviewAPIView):
    @extend_schema(
        request=SignerRequest,
        responses={200: MeetingStatusSerializer, 400: ErrorSerializer, **ERRORS},
        summary="Udpeg, hvem der underskriver et referat, som ingen af organets medlemmer deltog i",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = get_meeting_for_user(request.user, pk)
        data = SignerRequest(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = meeting_name_signer(
            meeting=meeting,
            actor=request.user,  # type: ignore[arg-type]
            signer_id=data.validated_data["signer"],
        )
        return Response(meeting_status_json(meeting, request.user))


class ItemApproveAPI(ReviewAPIView):
    @extend_schema(
        request=ApproveRequest,
        responses={200: ItemReviewSerializer, **ERRORS},
        summary="Godkend punktets beslutning, som den står (evt. bundet til text_hash)",
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.visible_item(pk)
        data = ApproveRequest(data=request.data)
        data.is_valid(raise_exception=True)
        decision_approve(
            item=item,
            actor=request.user,  # type: ignore[arg-type]
            text_hash=data.validated_data["text_hash"] or None,
            comment=data.validated_data["comment"],
        )
        return Response(item_review_json(self.review_of(item), request.user))


class ItemRequestChangesAPI(ReviewAPIView):
    @extend_schema(
        request=RequestChangesRequest,
        responses={200: ItemReviewSerializer, **ERRORS},
        summary="Bed om ændringer til punktet med en kommentar",
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.visible_item(pk)
        data = RequestChangesRequest(data=request.data)
        data.is_valid(raise_exception=True)
        decision_request_changes(
            item=item,
            actor=request.user,  # type: ignore[arg-type]
            comment=data.validated_data["comment"],
        )
        return Response(item_review_json(self.review_of(item), request.user))


class ItemReviewAPI(ReviewAPIView):
    @extend_schema(
        responses={200: ItemReviewSerializer, **ERRORS},
        summary="Hvor punktets beslutning står: godkendelser, kommentarer, kontrolsum",
    )
    def get(self, request: Request, pk: int) -> Response:
        item = self.visible_item(pk)
        return Response(item_review_json(self.review_of(item), request.user))


class ItemHistoryAPI(ReviewAPIView):
    @extend_schema(
        responses={200: HistorySerializer, 404: ErrorSerializer},
        summary=(
            "Punktets historik: hvem ændrede hvad og hvornår, før og efter – for andre end "
            "organets egne kun det, der var offentliggjort"
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        item = self.visible_item(pk)
        return Response(
            {
                "item": item.pk,
                "events": [entry.as_json() for entry in item_history(item, user=request.user)],
            }
        )


class TasksAPI(ReviewAPIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Tasks", {"meetings": serializers.ListField(child=serializers.DictField())}
            )
        },
        summary="Mine opgaver: beslutninger til godkendelse, ønskede ændringer, referater klar",
    )
    def get(self, request: Request) -> Response:
        groups = tasks_for(request.user)
        for group in groups:
            closed = [
                r.item.number for r in group.to_approve + group.changes_requested if r.item.closed
            ]
            log_closed_items_opened(
                request.user, meeting_id=group.meeting.pk, numbers=closed, via="api:tasks"
            )
        return Response(
            {
                "meetings": [
                    {
                        "meeting": group.meeting.pk,
                        "status": group.meeting.status,
                        "to_approve": [
                            {"item": r.item.pk, "number": r.item.number, "title": r.item.title}
                            for r in group.to_approve
                        ],
                        "changes_requested": [
                            {
                                "item": r.item.pk,
                                "number": r.item.number,
                                "title": r.item.title,
                                "comments": [
                                    {**_user_json(a.reviewer), "comment": a.comment}
                                    for a in r.open_change_requests
                                ],
                            }
                            for r in group.changes_requested
                        ],
                        "ready_to_publish": group.ready_to_publish,
                    }
                    for group in groups
                ]
            }
        )
