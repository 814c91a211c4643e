"""The JSON API of the political protocol, an item at a time:

    GET/PUT     /api/items/{id}/participation/      who did not take part; substitutes; the roll
    GET/POST    /api/items/{id}/votes/              votes, with their tally and result
    DELETE      /api/items/{id}/votes/{vote_id}/    while the item takes edits
    GET/POST    /api/items/{id}/remarks/            a member's protokoltilførsel or
                                                    mindretalsudtalelse, by the member
    DELETE      /api/items/{id}/remarks/{remark_id}/
    GET/POST    /api/items/{id}/addenda/            additions to the signed item, by the secretary
    POST        /api/addenda/{id}/approve/          a signer approves an addition

An item is found through the visibility rule, so a closed item's protocol reaches only those
who may read the item (404 for anyone else); every change goes through
meetings.services.protocol, whose refusals api/errors.py turns into Danish answers. The item's
JSON (api/meetings.py) carries the same protocol, built here by `item_protocol_json`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.ids import MAX_ID, parse_id
from meetings.access import get_addendum_for_user, get_item_for_user, log_closed_items_opened
from meetings.models import (
    Addendum,
    AgendaItem,
    Ballot,
    ItemParticipation,
    Membership,
    Remark,
    Vote,
)
from meetings.selectors.protocol import (
    absence_sentence,
    item_roll,
    items_with_protocol,
    member_label,
    substitution_sentence,
    vote_sentence,
    vote_tally,
)
from meetings.services.protocol import (
    AbsenceInput,
    SubstituteInput,
    addendum_add,
    addendum_approve,
    addendum_signers,
    item_participation_set,
    remark_delete,
    remark_save,
    vote_delete,
    vote_record,
    vote_record_by_party,
)

# --- Danish messages for the fields we read --------------------------------------------------

_REQUIRED = gettext_lazy("Feltet skal udfyldes.")
_NULL = gettext_lazy("Feltet må ikke være tomt.")


def _messages(**extra: Any) -> dict[str, Any]:
    return {"required": _REQUIRED, "null": _NULL, "blank": _NULL, **extra}


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        error_messages=_messages(invalid=gettext_lazy("Skal være tekst.")), **kwargs
    )


def member_id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages=_messages(
            invalid=gettext_lazy("Et medlem angives med sit id (et heltal)."),
            min_value=gettext_lazy("Et medlems id er et positivt heltal."),
            max_value=gettext_lazy("Medlemmet findes ikke."),
            max_string_length=gettext_lazy("Medlemmet findes ikke."),
        ),
        **kwargs,
    )


def _member_ids(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=member_id_field(),
        required=False,
        default=list,
        error_messages=_messages(not_a_list=gettext_lazy("Skal være en liste af medlemmers id.")),
        **kwargs,
    )


_OBJECT = {"invalid": gettext_lazy("Skal være et objekt."), **_messages()}


# --- input ----------------------------------------------------------------------------------


class AbsenceSerializer(serializers.Serializer):
    member = member_id_field()
    reason = serializers.ChoiceField(
        choices=[ItemParticipation.Kind.ABSENT.value, ItemParticipation.Kind.DISQUALIFIED.value],
        default=ItemParticipation.Kind.ABSENT.value,
        error_messages=_messages(
            invalid_choice=gettext_lazy("Årsagen skal være »fraværende« eller »inhabil«.")
        ),
        help_text="»fraværende« (forlod mødet, kom senere) eller »inhabil« (med begrundelse).",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        error_messages=_messages(invalid=gettext_lazy("Skal være tekst.")),
        help_text="Kort begrundelse; påkrævet ved inhabilitet.",
    )


class SubstituteSerializer(serializers.Serializer):
    """{"member": <the substitute>, "for": <the member whose seat they take>}"""

    member = member_id_field(help_text="Stedfortræderen.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "for" is a keyword of Python, so the field is named here.
        fields["for"] = member_id_field(help_text="Medlemmet, hvis plads stedfortræderen tager.")
        return fields


class ParticipationSerializer(serializers.Serializer):
    absent = AbsenceSerializer(many=True, required=False, default=list)
    substitutes = SubstituteSerializer(many=True, required=False, default=list)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("absent", "substitutes"):
            field = cast(serializers.ListSerializer, self.fields[name])
            field.error_messages.update(
                not_a_list=_("Skal være en liste af objekter."), **_messages()
            )
            cast(serializers.Serializer, field.child).error_messages.update(_OBJECT)


class VoteSerializer(serializers.Serializer):
    """Either the members of each choice (for, against, abstain), or the parties' choices with
    exceptions per member."""

    question = _text(help_text="Hvad der stemmes om, fx »Ændringsforslag fra Ø«.")
    against = _member_ids(help_text="Medlemmer, der stemte imod.")
    abstain = _member_ids(help_text="Medlemmer, der undlod at stemme.")
    parties = serializers.JSONField(
        required=False,
        error_messages=_messages(invalid=gettext_lazy("Skal være gyldig JSON.")),
        help_text=(
            'I stedet for listerne: partiernes stemme, {"A": "for", "Ø": "imod"}, '
            'eller som referatet skriver det, "A og V for, Ø imod".'
        ),
    )
    exceptions = serializers.DictField(
        child=serializers.ChoiceField(
            choices=Ballot.Choice.values,
            error_messages=_messages(
                invalid_choice=gettext_lazy("Stemmen skal være for, imod eller undlod.")
            ),
        ),
        required=False,
        default=dict,
        error_messages=_messages(
            not_a_dict=gettext_lazy('Skal være et objekt: {"<medlems id>": "undlod"}.')
        ),
        help_text="Med »parties«: medlemmer, der stemte anderledes end partiet.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["for"] = _member_ids(help_text="Medlemmer, der stemte for.")
        return {"question": fields.pop("question"), "for": fields.pop("for"), **fields}

    def validate_parties(self, value: Any) -> dict[str, str] | str:
        if isinstance(value, str):
            return value
        if not isinstance(value, Mapping) or not all(
            isinstance(letter, str) and isinstance(choice, str) for letter, choice in value.items()
        ):
            raise serializers.ValidationError(
                _('Skal være et objekt {"A": "for"} eller en tekst som »A og V for, Ø imod«.')
            )
        bad = [c for c in value.values() if c not in Ballot.Choice.values]
        if bad:
            raise serializers.ValidationError(
                _("»%(choice)s« er ikke en stemme. Brug for, imod eller undlod.")
                % {"choice": bad[0]}
            )
        return dict(value)

    def validate_exceptions(self, value: dict[str, str]) -> dict[int, str]:
        out = {}
        for key, choice in value.items():
            member_id = parse_id(key)
            if member_id is None:
                raise serializers.ValidationError(
                    _("»%(key)s« er ikke et medlems id.") % {"key": key}
                )
            out[member_id] = choice
        return out

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        lists = any(attrs.get(name) for name in ("for", "against", "abstain"))
        if "parties" in attrs and lists:
            raise serializers.ValidationError(
                _(
                    "Angiv stemmerne enten medlem for medlem (for, against, abstain) eller pr. "
                    "parti (parties), ikke begge dele."
                )
            )
        if attrs.get("exceptions") and "parties" not in attrs:
            raise serializers.ValidationError(
                {"exceptions": [_("Undtagelser bruges sammen med »parties«.")]}
            )
        return attrs


class RemarkSerializer(serializers.Serializer):
    kind = _text(help_text="»protokoltilførsel« eller »mindretalsudtalelse«.")
    text = serializers.CharField(
        trim_whitespace=False,
        error_messages=_messages(invalid=gettext_lazy("Skal være tekst.")),
        help_text="Højst 1.000 tegn.",
    )


class AddendumSerializer(serializers.Serializer):
    text = _text(help_text="Tilføjelsen, som den skal stå under punktet.")
    reason = _text(help_text="Hvorfor der tilføjes noget.")


# --- output ---------------------------------------------------------------------------------


def member_json(member: Membership) -> dict[str, Any]:
    return {"member": member.pk, "name": member.display_name, "party": member.party_letter}


def _user_json(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def participation_json(item: AgendaItem) -> dict[str, Any]:
    """Who did not take part in the item and who took a seat for it, with the computed roll
    (the members who took part) and the lines the minutes print."""
    roll = item_roll(item)
    return {
        "absent": [
            {**member_json(a.member), "reason": a.kind, "note": a.note} for a in roll.absent
        ],
        "substitutes": [
            {
                **member_json(s.member),
                "for": s.substitute_for.pk,
                "for_name": s.substitute_for.display_name,
            }
            for s in roll.substitutions
        ],
        "present": [member_json(m) for m in roll.present],
        "lines": [absence_sentence(a) for a in roll.absent]
        + [substitution_sentence(s) for s in roll.substitutions],
    }


def vote_json(vote: Vote) -> dict[str, Any]:
    tally = vote_tally(vote)
    return {
        "id": vote.pk,
        "position": vote.position,
        "question": vote.question,
        "ballots": [{**member_json(b.member), "choice": b.choice} for b in vote.ballots.all()],
        "tally": tally.as_json(),
        "result": "vedtaget" if tally.adopted else "forkastet",
        "sentence": vote_sentence(vote),
    }


def remark_json(remark: Remark) -> dict[str, Any]:
    return {
        "id": remark.pk,
        "kind": remark.kind,
        "kind_label": remark.get_kind_display(),
        **member_json(remark.member),
        "member_label": member_label(remark.member),
        "text": remark.text,
        "created_at": remark.created_at.isoformat(),
    }


def addendum_json(addendum: Addendum, signers: Iterable[int]) -> dict[str, Any]:
    signer_ids = list(signers)
    users = get_user_model().objects.in_bulk(signer_ids)
    approvals = list(addendum.approvals.select_related("reviewer"))
    approved_by = {a.reviewer_id for a in approvals}
    return {
        "id": addendum.pk,
        "text": addendum.text,
        "reason": addendum.reason,
        "created_at": addendum.created_at.isoformat(),
        "created_by": _user_json(addendum.created_by),
        "approved_at": addendum.approved_at.isoformat() if addendum.approved_at else None,
        "approvals": [
            {**_user_json(a.reviewer), "at": a.created_at.isoformat()} for a in approvals
        ],
        "awaiting": [
            _user_json(users[pk]) for pk in signer_ids if pk not in approved_by and pk in users
        ],
    }


def _votes(item: AgendaItem) -> list[Vote]:
    return list(
        Vote.objects.filter(item=item)
        .order_by("position")
        .prefetch_related("ballots__member__party", "ballots__member__user")
    )


def _remarks(item: AgendaItem) -> list[Remark]:
    return list(Remark.objects.filter(item=item).select_related("member__party", "member__user"))


def _addenda(item: AgendaItem) -> list[Addendum]:
    return list(Addendum.objects.filter(item=item).select_related("created_by"))


def item_protocol_json(item: AgendaItem) -> dict[str, Any]:
    """The protocol of an item whose content the reader may see, as the item's JSON carries
    it: participation, votes, remarks, additions."""
    item = items_with_protocol(AgendaItem.objects.select_related("meeting")).get(pk=item.pk)
    signers = addendum_signers(item)
    return {
        "participation": participation_json(item),
        "votes": [vote_json(v) for v in item.votes.all()],
        "remarks": [remark_json(r) for r in item.remarks.all()],
        "addenda": [addendum_json(a, signers) for a in _addenda(item)],
    }


# --- schema -----------------------------------------------------------------------------------

_ERROR = inline_serializer("ProtocolError", {"detail": serializers.CharField()})
_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Forkert input; beskeder på dansk."),
    403: _ERROR,
    404: _ERROR,
    409: _ERROR,
    423: _ERROR,
}


class _MemberOut(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    party = serializers.CharField()


class AbsenceOut(_MemberOut):
    reason = serializers.CharField()
    note = serializers.CharField()


class SubstituteOut(_MemberOut):
    for_name = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field]:
        return {**super().get_fields(), "for": serializers.IntegerField()}


class ParticipationOut(serializers.Serializer):
    absent = AbsenceOut(many=True)
    substitutes = SubstituteOut(many=True)
    present = _MemberOut(many=True)
    lines = serializers.ListField(child=serializers.CharField())


class BallotOut(_MemberOut):
    choice = serializers.CharField()


class VoteOut(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    question = serializers.CharField()
    ballots = BallotOut(many=True)
    tally = serializers.DictField(
        help_text="Pr. stemme (for, imod, undlod): antal, medlemmer, partier."
    )
    result = serializers.ChoiceField(choices=["vedtaget", "forkastet"])
    sentence = serializers.CharField()


class RemarkOut(_MemberOut):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    member_label = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class AddendumOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.DictField()
    approved_at = serializers.DateTimeField(allow_null=True)
    approvals = serializers.ListField(child=serializers.DictField())
    awaiting = serializers.ListField(child=serializers.DictField())


# --- views ------------------------------------------------------------------------------------


class ItemProtocolView(APIView):
    """A part of an item's protocol. The item is found as the user may read it (404 otherwise),
    and a read of a closed item is logged."""

    parser_classes = [JSONParser]

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


class ItemParticipationView(ItemProtocolView):
    """Who did not take part in the item (fraværende, inhabil with the body's reason) and who
    took a seat for it; `present` is the roll computed from the meeting's attendance."""

    @extend_schema(
        responses={200: ParticipationOut, 404: _ERROR},
        summary="Hvem der ikke deltog i punktet, stedfortrædere, og hvem der deltog",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(participation_json(self.visible_item(pk)))

    @extend_schema(
        request=ParticipationSerializer,
        responses={200: ParticipationOut, **_ERRORS},
        summary="Erstat punktets fravær, inhabilitet og stedfortrædere (sekretæren)",
    )
    def put(self, request: Request, pk: int) -> Response:
        item = self.visible_item(pk)
        incoming = ParticipationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        item_participation_set(
            actor=request.user,
            item=item,
            absent=[AbsenceInput(a["member"], a["reason"], a["note"]) for a in data["absent"]],
            substitutes=[SubstituteInput(s["member"], s["for"]) for s in data["substitutes"]],
        )
        return Response(participation_json(item))


class ItemVotesView(ItemProtocolView):
    """The item's votes in order. A vote is entered member by member (for, against, abstain)
    or by party with exceptions; its tally and result are computed, never sent."""

    @extend_schema(
        responses={200: VoteOut(many=True), 404: _ERROR},
        summary="Punktets afstemninger med optælling og resultat",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response([vote_json(v) for v in _votes(self.visible_item(pk))])

    @extend_schema(
        request=VoteSerializer,
        responses={201: VoteOut, **_ERRORS},
        summary="Registrér en afstemning, medlem for medlem eller pr. parti (sekretæren)",
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.visible_item(pk)
        incoming = VoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if "parties" in data:
            vote = vote_record_by_party(
                actor=request.user,
                item=item,
                question=data["question"],
                parties=data["parties"],
                exceptions=data["exceptions"],
            )
        else:
            vote = vote_record(
                actor=request.user,
                item=item,
                question=data["question"],
                for_ids=data["for"],
                against_ids=data["against"],
                abstain_ids=data["abstain"],
            )
        created = next(v for v in _votes(item) if v.pk == vote.pk)
        return Response(
            vote_json(created),
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/items/{item.pk}/votes/{vote.pk}/"},
        )


class ItemVoteView(ItemProtocolView):
    """One vote, deleted while the item takes edits."""

    @extend_schema(responses={204: None, **_ERRORS}, summary="Slet en afstemning (sekretæren)")
    def delete(self, request: Request, pk: int, vote_pk: int) -> Response:
        item = self.visible_item(pk)
        vote = get_object_or_404(
            Vote.objects.select_related("item"), item=item, pk=parse_id(vote_pk) or 0
        )
        vote_delete(actor=request.user, vote=vote)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemRemarksView(ItemProtocolView):
    """Protokoltilførsler and mindretalsudtalelser, each written by the member before the item
    is approved (at most 1,000 characters)."""

    @extend_schema(
        responses={200: RemarkOut(many=True), 404: _ERROR},
        summary="Punktets protokoltilførsler og mindretalsudtalelser",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response([remark_json(r) for r in _remarks(self.visible_item(pk))])

    @extend_schema(
        request=RemarkSerializer,
        responses={200: RemarkOut, 201: RemarkOut, **_ERRORS},
        summary="Medlemmets egen protokoltilførsel eller mindretalsudtalelse (erstatter en "
        "tidligere af samme art)",
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.visible_item(pk)
        incoming = RemarkSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        existed = Remark.objects.filter(
            item=item, kind=data["kind"], member__user_id=request.user.pk or 0
        ).exists()
        remark = remark_save(
            actor=request.user,  # type: ignore[arg-type]
            item=item,
            kind=data["kind"],
            text=data["text"],
        )
        saved = next(r for r in _remarks(item) if r.pk == remark.pk)
        return Response(
            remark_json(saved), status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )


class ItemRemarkView(ItemProtocolView):
    """The member withdraws their own remark before the item is approved."""

    @extend_schema(
        responses={204: None, **_ERRORS}, summary="Træk sin protokoltilførsel tilbage (medlemmet)"
    )
    def delete(self, request: Request, pk: int, remark_pk: int) -> Response:
        item = self.visible_item(pk)
        remark = get_object_or_404(
            Remark.objects.select_related("item"), item=item, pk=parse_id(remark_pk) or 0
        )
        remark_delete(actor=request.user, remark=remark)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemAddendaView(ItemProtocolView):
    """Additions (tilføjelser) to an approved item: the original stays as it was approved; an
    addition is part of the protocol when every member who signed the item approved it."""

    @extend_schema(
        responses={200: AddendumOut(many=True), 404: _ERROR},
        summary="Tilføjelser til det godkendte punkt, og hvem der mangler at godkende dem",
    )
    def get(self, request: Request, pk: int) -> Response:
        item = self.visible_item(pk)
        signers = addendum_signers(item)
        return Response([addendum_json(a, signers) for a in _addenda(item)])

    @extend_schema(
        request=AddendumSerializer,
        responses={201: AddendumOut, **_ERRORS},
        summary="Tilføj en rettelse til et godkendt punkt (sekretæren); originalen står urørt",
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.visible_item(pk)
        incoming = AddendumSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        addendum = addendum_add(
            actor=request.user,  # type: ignore[arg-type]
            item=item,
            text=incoming.validated_data["text"],
            reason=incoming.validated_data["reason"],
        )
        return Response(
            addendum_json(addendum, addendum_signers(item)), status=status.HTTP_201_CREATED
        )


class AddendumApproveView(APIView):
    """A member who signed the item approves an addition to it."""

    parser_classes = [JSONParser]

    @extend_schema(
        request=None,
        responses={200: AddendumOut, **_ERRORS},
        summary="Godkend en tilføjelse (et medlem, der godkendte punktet)",
    )
    def post(self, request: Request, pk: int) -> Response:
        addendum = get_addendum_for_user(request.user, pk)
        item = addendum.item
        if item.closed:
            log_closed_items_opened(
                request.user, meeting_id=item.meeting_id, numbers=[item.number], via="api:addenda"
            )
        addendum = addendum_approve(actor=request.user, addendum=addendum)  # type: ignore[arg-type]
        return Response(addendum_json(addendum, addendum_signers(item)))
