"""The JSON API for meetings and items (/api/meetings/, /api/items/).

Integrations (an ESDH pushing items) use token authentication, the browser session + CSRF.
Serializers here only parse and validate input, with Danish messages; every change goes
through meetings.services.items and every read through the visibility rule and exchange.export.
Domain errors map to HTTP: field errors 400, not allowed 403, stale version 409 (with the
current item), meeting locked 423.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.protocol import item_protocol_json
from common.ids import parse_id
from exchange.export import agenda_only, item_to_exchange, meeting_to_exchange
from exchange.schema import STATUS_FROM_MODEL
from meetings.access import (
    closed_item_public_stub,
    closed_item_stub,
    get_item_for_user,
    minutes_visible,
)
from meetings.models import AgendaItem, Attachment, Body, Decision, Meeting
from meetings.sanitize import sanitize_html
from meetings.selectors.items import with_sections
from meetings.selectors.protocol import public_decision
from meetings.services.attachments import attachment_add
from meetings.services.items import (
    DecisionInput,
    RecommendationInput,
    item_create,
    item_remove,
    item_update,
)
from meetings.services.meetings import AttendeeInput, meeting_create
from meetings.services.protocol import public_decision_set

# --- Danish messages for the fields we read --------------------------------------------------

_REQUIRED = gettext_lazy("Feltet skal udfyldes.")
_NULL = gettext_lazy("Feltet må ikke være tomt.")


def _messages(**extra: Any) -> dict[str, Any]:
    return {"required": _REQUIRED, "null": _NULL, "blank": _NULL, **extra}


_TEXT = _messages(
    invalid=gettext_lazy("Skal være tekst."),
    max_length=gettext_lazy("Må højst være {max_length} tegn."),
)


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(error_messages=_TEXT, **kwargs)


def _html(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, error_messages=_TEXT, **kwargs
    )


_BOOL = _messages(invalid=gettext_lazy("Skal være true eller false."))


class DecisionInputSerializer(serializers.Serializer):
    text = _html(help_text="Beslutningens tekst (HTML; renses).")
    outcome = serializers.CharField(
        required=False,
        allow_blank=True,
        error_messages=_TEXT,
        help_text="Udfald: " + ", ".join(value for value, _label in Decision.Outcome.choices),
    )
    public_text = serializers.CharField(
        required=False,
        allow_blank=True,
        error_messages=_TEXT,
        help_text="Et lukket punkts offentlige beslutning: det, offentligheden må læse om, "
        "hvad der blev besluttet (uden de fortrolige oplysninger).",
    )

    def validate_outcome(self, value: str) -> str:
        if value and not Decision.outcome_from_label(value):
            labels = ", ".join(v for v, _label in Decision.Outcome.choices)
            raise serializers.ValidationError(
                _("Udfaldet “%(value)s” findes ikke. Brug et af: %(labels)s.")
                % {"value": value, "labels": labels}
            )
        return value


class ItemInputSerializer(serializers.Serializer):
    """The sections of an item, as in the exchange format."""

    title = _text(max_length=500)
    case_number = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, error_messages=_TEXT
    )
    closed = serializers.BooleanField(required=False, error_messages=_BOOL)
    background = _html()
    recommendation = _html(help_text="Indstillingen som HTML; en liste giver “at …”-punkterne.")
    recommendation_unit = serializers.CharField(
        required=False, allow_blank=True, max_length=200, error_messages=_TEXT
    )
    recommendation_lead_in = serializers.CharField(
        required=False, allow_blank=True, error_messages=_TEXT
    )
    recommendation_clauses = serializers.ListField(
        child=serializers.CharField(allow_blank=True, error_messages=_TEXT),
        required=False,
        error_messages=_messages(not_a_list=gettext_lazy("Skal være en liste af tekster.")),
    )
    presentation = _html()
    economy = _html()
    decision = DecisionInputSerializer(
        required=False,
        allow_null=True,
        error_messages=_messages(invalid=gettext_lazy("Skal være et objekt med text og outcome.")),
    )

    def service_kwargs(self) -> dict[str, Any]:
        """The validated input as keywords of item_create / item_update: only what was sent."""
        data = dict(self.validated_data)
        kwargs: dict[str, Any] = {}
        for name in ("title", "case_number", "closed", "background", "presentation", "economy"):
            if name in data:
                kwargs[name] = data[name]
        recommendation = _recommendation_input(data)
        if recommendation is not None:
            kwargs["recommendation"] = recommendation
        if "decision" in data:
            decision = data["decision"]
            if decision is None:
                kwargs["decision"] = None
            elif {"text", "outcome"} & set(decision):
                # A key not sent leaves the stored value as it is.
                kwargs["decision"] = DecisionInput(
                    text=decision.get("text"), outcome=decision.get("outcome")
                )
        return kwargs

    def public_text(self) -> str | None:
        """The closed item's public decision, when it was sent (None: leave it)."""
        decision = self.validated_data.get("decision")
        return decision.get("public_text") if decision else None


class ItemPatchSerializer(ItemInputSerializer):
    version = serializers.IntegerField(
        min_value=1,
        error_messages=_messages(
            invalid=gettext_lazy("Versionen skal være et heltal."),
            min_value=gettext_lazy("Versionen skal være mindst 1."),
        ),
        help_text="Den version, ændringen er lavet på. Er punktet gemt siden, svares 409.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False


class MeetingCreateSerializer(serializers.Serializer):
    body = _text(help_text="Organets navn eller korte navn (slug), f.eks. “Direktionen”.")
    starts_at = serializers.DateTimeField(
        error_messages=_messages(
            invalid=gettext_lazy(
                "Mødedatoen skal være dato og tid i ISO 8601, f.eks. 2018-04-23T12:30:00+02:00."
            ),
            overflow=gettext_lazy("Mødedatoen skal ligge mellem år 1900 og 2100."),
        )
    )
    location = serializers.CharField(
        required=False, allow_blank=True, max_length=200, error_messages=_TEXT
    )
    participants = serializers.ListField(
        child=serializers.DictField(
            error_messages={"not_a_dict": gettext_lazy("Hver mødedeltager skal være et objekt.")}
        ),
        required=False,
        error_messages=_messages(
            not_a_list=gettext_lazy("Skal være en liste af {{name, role, present}}.")
        ),
    )

    def validate_body(self, value: str) -> Body:
        body = Body.objects.filter(Q(name__iexact=value.strip()) | Q(slug=value.strip())).first()
        if body is None:
            raise serializers.ValidationError(
                _("Organet “%(value)s” findes ikke.") % {"value": value}
            )
        return body

    def validate_participants(self, value: list[dict[str, Any]]) -> list[AttendeeInput]:
        people = []
        for entry in value:
            name, role, present = entry.get("name"), entry.get("role"), entry.get("present", True)
            if not isinstance(name, str) or not name.strip():
                raise serializers.ValidationError(_("Hver mødedeltager skal have et navn."))
            if role is not None and not isinstance(role, str):
                raise serializers.ValidationError(_("En mødedeltagers rolle skal være tekst."))
            if not isinstance(present, bool):
                raise serializers.ValidationError(
                    _("“present” skal være true eller false (afbud).")
                )
            people.append(AttendeeInput(name=name.strip(), role=role or "", present=present))
        return people


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        error_messages=_messages(
            invalid=gettext_lazy("Send filen som multipart/form-data i feltet “file”."),
            empty=gettext_lazy("Filen er tom."),
            no_name=gettext_lazy("Filen har intet navn."),
        )
    )
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=500, error_messages=_TEXT
    )
    internal = serializers.BooleanField(required=False, default=False)


class MeetingSummarySerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="body.name")
    status = serializers.SerializerMethodField()
    item_count = serializers.IntegerField()

    class Meta:
        model = Meeting
        fields = ["id", "body", "starts_at", "location", "status", "item_count"]

    def get_status(self, meeting: Meeting) -> str:
        return STATUS_FROM_MODEL[Meeting.Status(meeting.status)]


# --- Recommendation HTML → structure -----------------------------------------------------------

_LIST_RE = re.compile(r"<(ol|ul)\b[^>]*>(.*?)</\1>", re.S | re.I)
_LI_RE = re.compile(r"<li\b[^>]*>(.*?)</li>", re.S | re.I)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(strip_tags(fragment)).split())


def _recommendation_input(data: dict[str, Any]) -> RecommendationInput | None:
    """Structured keys win; else the first list of the HTML gives the "at …" clauses, the text
    before it the lead-in and anything after it the note."""
    keys = ("recommendation_unit", "recommendation_lead_in", "recommendation_clauses")
    if any(key in data for key in keys):
        return RecommendationInput(
            unit=data.get("recommendation_unit", ""),
            lead_in=data.get("recommendation_lead_in", ""),
            clauses=data.get("recommendation_clauses", []),
            note=sanitize_html(data.get("recommendation", "")) if "recommendation" in data else "",
        )
    if "recommendation" not in data:
        return None
    cleaned = sanitize_html(data["recommendation"])
    match = _LIST_RE.search(cleaned)
    if match is None:
        return RecommendationInput(unit="", lead_in="", clauses=[], note=cleaned)
    return RecommendationInput(
        unit="",
        lead_in=_plain(cleaned[: match.start()]),
        clauses=[_plain(li) for li in _LI_RE.findall(match.group(2))],
        numbered=match.group(1).lower() == "ol",
        note=cleaned[match.end() :].strip(),
    )


# --- Views -------------------------------------------------------------------------------------

_EXCHANGE_MEETING = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Mødet i udvekslingsformatet referat/1."
)
_EXCHANGE_ITEM = OpenApiResponse(OpenApiTypes.OBJECT, description="Punktet med id og version.")
_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Feltfejl på dansk."),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="Kun organets sekretær."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="Findes ikke eller ikke synligt."),
    423: OpenApiResponse(OpenApiTypes.OBJECT, description="Mødet er godkendt og låst."),
}


class MeetingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Meeting]
):
    """Meetings the user may see; secretaries create them and add items."""

    serializer_class = MeetingSummarySerializer
    # Ids only: anything else (or past bigint) is a 404 of the lookup, never the database's.
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.visible_to(self.request.user)
            .select_related("body")
            .annotate(item_count=Count("items"))
            .order_by("-starts_at")
        )

    @extend_schema(responses={200: _EXCHANGE_MEETING, 404: _ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        # Before its minutes are published, a reader outside the body gets the agenda alone.
        minutes = minutes_visible(request.user, meeting)
        data = meeting_to_exchange(meeting, user=request.user, include_ids=True, minutes=minutes)
        data["agenda_published_at"] = (
            meeting.agenda_published_at.isoformat() if meeting.agenda_published_at else None
        )
        if not minutes:
            return Response(data)
        return Response(_with_public_decisions(data, meeting, request.user))

    @extend_schema(
        request=MeetingCreateSerializer,
        responses={201: _EXCHANGE_MEETING, 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    def create(self, request: Request) -> Response:
        serializer = MeetingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = meeting_create(
            actor=request.user,
            body=data["body"],
            starts_at=data["starts_at"],
            location=data.get("location", ""),
            attendees=data.get("participants", []),
        )
        return Response(
            meeting_to_exchange(meeting, user=request.user, include_ids=True),
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/meetings/{meeting.pk}/"},
        )

    @extend_schema(
        request=ItemInputSerializer,
        responses={201: _EXCHANGE_ITEM, **_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="items")
    def items(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        serializer = ItemInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            item = item_create(actor=request.user, meeting=meeting, **serializer.service_kwargs())
            if (text := serializer.public_text()) is not None:
                public_decision_set(actor=request.user, item=item, text=text)
        return Response(
            _item_json(_item_with_sections(item.pk)),
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/items/{item.pk}/"},
        )


def _item_with_sections(pk: int) -> AgendaItem:
    return with_sections(AgendaItem.objects.all()).get(pk=pk)


def _item_json(item: AgendaItem) -> dict[str, Any]:
    """The item as a reader who may see its content gets it: the exchange format with ids,
    the decision's public text, and the item's protocol."""
    data = item_to_exchange(item, include_ids=True)
    if data.get("decision") is not None:
        data["decision"]["public_text"] = public_decision(item)
    return {**data, **item_protocol_json(item)}


def _with_public_decisions(data: dict[str, Any], meeting: Meeting, user: Any) -> dict[str, Any]:
    """The meeting's closed items that the reader sees as "Lukket" carry their public
    decision."""
    hidden = {
        item.number: closed_item_public_stub(item)["public_decision"]
        for item in AgendaItem.objects.listed_for(user)
        .filter(meeting=meeting, closed=True)
        .select_related("decision", "case")
        if not getattr(item, "content_visible", False)
    }
    for entry in data["items"]:
        if "id" not in entry and entry.get("number") in hidden:
            entry["public_decision"] = hidden[entry["number"]]
    return data


class ItemViewSet(viewsets.GenericViewSet[AgendaItem]):
    """One agenda item: read, edit on top of a version, remove, attach files."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = ItemPatchSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[AgendaItem]:
        user = self.request.user
        return with_sections(
            AgendaItem.objects.listed_for(user), attachments_for=user
        ).select_related("meeting__body")

    @extend_schema(responses={200: _EXCHANGE_ITEM, 404: _ERRORS[404]})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        item = get_object_or_404(self.get_queryset(), pk=parse_id(pk) or 0)
        minutes = minutes_visible(request.user, item.meeting)
        if not getattr(item, "content_visible", False):
            stub = closed_item_public_stub(item) if minutes else closed_item_stub(item)
            return Response({"id": item.pk, **stub})
        if not minutes:
            # An item of a published agenda whose minutes are not: the agenda alone.
            return Response(agenda_only(item_to_exchange(item, include_ids=True)))
        return Response(_item_json(item))

    @extend_schema(
        request=ItemPatchSerializer,
        responses={
            200: _EXCHANGE_ITEM,
            409: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Forældet version; “current” er punktet nu."
            ),
            **_ERRORS,
        },
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        item = get_item_for_user(self.request.user, pk)
        serializer = ItemPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # All or nothing: a public decision refused leaves the rest of the edit unsaved too.
        with transaction.atomic():
            item = item_update(
                actor=request.user,
                item=item,
                version=serializer.validated_data["version"],
                **serializer.service_kwargs(),
            )
            if (text := serializer.public_text()) is not None:
                public_decision_set(actor=request.user, item=item, text=text)
        return Response(_item_json(_item_with_sections(item.pk)))

    @extend_schema(responses={204: None, **_ERRORS})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        item_remove(actor=request.user, item=get_item_for_user(self.request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: inline_serializer(
                "AttachmentCreated",
                {
                    "id": serializers.IntegerField(),
                    "title": serializers.CharField(),
                    "content_type": serializers.CharField(),
                    "size": serializers.IntegerField(),
                    "url": serializers.CharField(),
                    "internal": serializers.BooleanField(),
                },
            ),
            **_ERRORS,
        },
    )
    @action(detail=True, methods=["post"], url_path="attachments")
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        item = get_item_for_user(self.request.user, pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment: Attachment = attachment_add(
            actor=request.user,
            item=item,
            upload=serializer.validated_data["file"],
            title=serializer.validated_data.get("title", ""),
            internal=serializer.validated_data.get("internal", False),
        )
        return Response(
            {
                "id": attachment.pk,
                "title": attachment.title,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "url": attachment.get_download_url(),
                "internal": attachment.internal,
            },
            status=status.HTTP_201_CREATED,
        )
