"""The JSON API of bodies and their members:

    GET/POST  /api/bodies/                              bodies the user may look up; a new body
                                                        (a superuser)
    GET/POST  /api/bodies/{id}/members/                 who sits in the body; a new seat
    PATCH     /api/bodies/{id}/members/{member_id}/     change a seat

A seat is {"name", "user", "party", "role", "starts_on", "ends_on"}, the party by its letter.
Anyone who may open the body's meetings reads its members (meetings/access.py,
bodies_visible_to; 404 for anyone else); the body's secretary or a superuser changes them
(meetings.services.members, 403 for anyone else).
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.ids import MAX_ID, parse_id
from meetings.access import bodies_visible_to, get_body_for_user
from meetings.models import Body, Membership
from meetings.selectors.protocol import body_members
from meetings.services.members import MemberInput, body_create, member_add, member_update

_REQUIRED = gettext_lazy("Feltet skal udfyldes.")
_NULL = gettext_lazy("Feltet må ikke være tomt.")
_TEXT: dict[str, Any] = {
    "required": _REQUIRED,
    "null": _NULL,
    "blank": _NULL,
    "invalid": gettext_lazy("Skal være tekst."),
}
_DATE: dict[str, Any] = {
    "required": _REQUIRED,
    "invalid": gettext_lazy("Skal være en dato som 2026-01-31."),
    "datetime": gettext_lazy("Skal være en dato som 2026-01-31, uden klokkeslæt."),
}


class BodyInSerializer(serializers.Serializer):
    name = serializers.CharField(error_messages=_TEXT, help_text="Organets navn, fx »Byrådet«.")
    slug = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        error_messages=_TEXT,
        help_text="Kort navn til adresser (a-z, tal, bindestreg); laves af navnet, hvis tomt.",
    )
    standard_items = serializers.ListField(
        child=serializers.CharField(allow_blank=True, error_messages=_TEXT),
        required=False,
        default=list,
        error_messages={"not_a_list": gettext_lazy("Skal være en liste af titler.")},
        help_text="Punkter, som en ny dagsorden begynder med, fx »Godkendelse af dagsorden«.",
    )


class MemberInSerializer(serializers.Serializer):
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        error_messages=_TEXT,
        help_text="Navnet, som det trykkes; tomt for en bruger giver brugerens navn.",
    )
    user = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "invalid": gettext_lazy("En bruger angives med sit id (et heltal)."),
            "min_value": gettext_lazy("Brugeren findes ikke eller er deaktiveret."),
            "max_value": gettext_lazy("Brugeren findes ikke eller er deaktiveret."),
            "max_string_length": gettext_lazy("Brugeren findes ikke eller er deaktiveret."),
        },
        help_text="Brugerens id, hvis medlemmet logger ind (giver adgang til lukkede punkter).",
    )
    party = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        error_messages=_TEXT,
        help_text="Partibogstavet, fx »A«.",
    )
    role = serializers.CharField(
        required=False,
        error_messages=_TEXT,
        help_text="formand, næstformand, medlem, stedfortræder eller sekretær.",
    )
    starts_on = serializers.DateField(required=False, allow_null=True, error_messages=_DATE)
    ends_on = serializers.DateField(required=False, allow_null=True, error_messages=_DATE)

    def member_input(self, current: Membership | None = None) -> MemberInput:
        """The seat as sent; on a change, what was not sent stays as it is."""
        data = self.validated_data
        if current is not None:
            base: dict[str, Any] = {
                "name": current.name,
                "user": current.user_id,
                "party": current.party_letter,
                "role": current.role,
                "starts_on": current.starts_on,
                "ends_on": current.ends_on,
            }
        else:
            base = {"name": "", "user": None, "party": "", "role": Membership.Role.MEMBER}
        merged = {**base, **data}
        return MemberInput(
            name=merged.get("name") or "",
            user_id=merged.get("user"),
            party=merged.get("party") or "",
            role=merged.get("role") or Membership.Role.MEMBER,
            starts_on=merged.get("starts_on"),
            ends_on=merged.get("ends_on"),
        )


def body_json(body: Body) -> dict[str, Any]:
    return {
        "id": body.pk,
        "name": body.name,
        "slug": body.slug,
        "standard_items": body.standard_items,
    }


def seat_json(member: Membership) -> dict[str, Any]:
    return {
        "id": member.pk,
        "name": member.display_name,
        "user": member.user_id,
        "party": member.party_letter or None,
        "party_name": member.party.name if member.party is not None else "",
        "role": member.role,
        "role_label": member.get_role_display(),
        "starts_on": member.starts_on.isoformat() if member.starts_on else None,
        "ends_on": member.ends_on.isoformat() if member.ends_on else None,
        "position": member.position,
    }


_ERROR = inline_serializer("BodyError", {"detail": serializers.CharField()})


class BodyOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    standard_items = serializers.ListField(child=serializers.CharField())


class SeatOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    user = serializers.IntegerField(allow_null=True)
    party = serializers.CharField(allow_null=True)
    party_name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    position = serializers.IntegerField()


_FIELD_ERRORS = inline_serializer(
    "BodyFieldErrors", {"name": serializers.ListField(child=serializers.CharField())}
)


def _seat(member_id: int) -> Membership:
    return Membership.objects.select_related("user", "party").get(pk=member_id)


class BodyListView(APIView):
    """Bodies: those whose meetings the user may open, and the user's own."""

    parser_classes = [JSONParser]

    @extend_schema(
        responses={200: BodyOut(many=True)},
        summary="Organer, hvis møder brugeren kan se, og dem brugeren er medlem af",
    )
    def get(self, request: Request) -> Response:
        return Response([body_json(b) for b in bodies_visible_to(request.user).order_by("name")])

    @extend_schema(
        request=BodyInSerializer,
        responses={201: BodyOut, 400: _FIELD_ERRORS, 403: _ERROR},
        summary="Opret et organ (administrator)",
    )
    def post(self, request: Request) -> Response:
        incoming = BodyInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        body = body_create(
            actor=request.user,
            name=data["name"],
            slug=data["slug"],
            standard_items=data["standard_items"],
        )
        return Response(
            body_json(body),
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/bodies/{body.pk}/members/"},
        )


class BodyMembersView(APIView):
    """A body's seats: name, user, party (letter and name), role and period."""

    parser_classes = [JSONParser]

    @extend_schema(
        responses={200: SeatOut(many=True), 404: _ERROR},
        summary="Organets medlemmer i organets rækkefølge, med parti og rolle",
    )
    def get(self, request: Request, pk: int) -> Response:
        body = get_body_for_user(request.user, pk)
        return Response([seat_json(m) for m in body_members(body.pk)])

    @extend_schema(
        request=MemberInSerializer,
        responses={201: SeatOut, 400: _FIELD_ERRORS, 403: _ERROR, 404: _ERROR},
        summary="Giv et medlem en plads i organet (organets sekretær)",
    )
    def post(self, request: Request, pk: int) -> Response:
        body = get_body_for_user(request.user, pk)
        incoming = MemberInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        member = member_add(actor=request.user, body=body, data=incoming.member_input())
        return Response(seat_json(_seat(member.pk)), status=status.HTTP_201_CREATED)


class BodyMemberView(APIView):
    """One seat; what is not sent stays as it is."""

    parser_classes = [JSONParser]

    @extend_schema(
        request=MemberInSerializer,
        responses={200: SeatOut, 400: _FIELD_ERRORS, 403: _ERROR, 404: _ERROR},
        summary="Ret et medlems plads: navn, bruger, parti, rolle, periode (organets sekretær)",
    )
    def patch(self, request: Request, pk: int, member_pk: int) -> Response:
        body = get_body_for_user(request.user, pk)
        member = get_object_or_404(
            Membership.objects.select_related("user", "party", "body"),
            body=body,
            pk=parse_id(member_pk) or 0,
        )
        incoming = MemberInSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        member = member_update(
            actor=request.user, member=member, data=incoming.member_input(member)
        )
        return Response(seat_json(_seat(member.pk)))
