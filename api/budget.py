"""The budget part of the JSON API: pools, their balance, and an item's allocations.

Amounts are decimal strings both ways ("2812.0000"); a JSON number is read as a Decimal
straight from its digits, never through a float."""

from __future__ import annotations

import codecs
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import (
    ParseError,
    PermissionDenied,
    ValidationError,
)
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.models import Allocation, Pool, Unit, allocation_is_approved
from budget.pools import PoolStatus, pool_status, visible_item_ids
from budget.services import allocation_create, pool_create
from exchange.budget_tables import tables_to_exchange
from meetings.access import bodies_with_access, get_item_for_user, may_edit_body
from meetings.models import Body, Membership


class DecimalJSONParser(JSONParser):
    """JSON whose numbers with a fraction become Decimal, not float."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.load(codecs.getreader(encoding)(stream), parse_float=Decimal)
        except ValueError as exc:
            raise ParseError(_("Ugyldig JSON: %(error)s") % {"error": exc}) from exc


class PoolInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=1900, max_value=2199)
    amount = serializers.DecimalField(max_digits=18, decimal_places=4)
    unit = serializers.ChoiceField(choices=Unit.choices, default=Unit.KR)
    body = serializers.SlugField(
        required=False,
        help_text="The body's short name; may be left out by the secretary of one body only.",
    )


class AllocationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pool = serializers.IntegerField(source="pool_id")
    item = serializers.IntegerField(source="item_id")
    item_title = serializers.CharField()
    meeting_date = serializers.DateTimeField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=4)
    year = serializers.IntegerField()
    permanent = serializers.BooleanField()
    note = serializers.CharField()
    approved = serializers.BooleanField()
    balance_after = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)


class PoolOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=4)
    unit = serializers.CharField()
    balance = serializers.DecimalField(max_digits=18, decimal_places=4)
    overdrawn = serializers.BooleanField()
    pending = serializers.DecimalField(max_digits=18, decimal_places=4)
    allocations = AllocationOutSerializer(many=True)


class AllocationInSerializer(serializers.Serializer):
    pool = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=4)
    year = serializers.IntegerField(min_value=1900, max_value=2199, required=False)
    permanent = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _allocation_out(
    allocation: Allocation, *, visible: set[int], balance_after: Decimal | None
) -> dict[str, Any]:
    item = allocation.item
    if item.pk in visible:
        title = item.title
    else:
        title = _("Punkt %(n)d: Lukket") % {"n": item.number} if item.closed else ""
    return {
        "id": allocation.pk,
        "pool_id": allocation.pool_id,
        "item_id": item.pk,
        "item_title": title,
        "meeting_date": item.meeting.starts_at,
        "amount": allocation.amount,
        "year": allocation.year,
        "permanent": allocation.permanent,
        "note": allocation.note if item.pk in visible else "",
        "approved": allocation_is_approved(allocation),
        "balance_after": balance_after,
    }


def _pool_out(status_: PoolStatus, user: Any) -> dict[str, Any]:
    pool = status_.pool
    allocations = [s.allocation for s in status_.steps] + status_.pending
    visible = visible_item_ids(user, allocations)
    return {
        "id": pool.pk,
        "body": pool.body.slug,
        "name": pool.name,
        "year": pool.year,
        "amount": pool.amount,
        "unit": pool.unit,
        "balance": status_.balance,
        "overdrawn": status_.overdrawn,
        "pending": status_.pending_total,
        "allocations": [
            _allocation_out(s.allocation, visible=visible, balance_after=s.balance_after)
            for s in status_.steps
        ]
        + [_allocation_out(a, visible=visible, balance_after=None) for a in status_.pending],
    }


class PoolListView(APIView):
    parser_classes = [DecimalJSONParser]

    @extend_schema(
        summary="Pools the user may see (those of the user's bodies)",
        responses=PoolOutSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        pools = Pool.objects.visible_to(request.user).select_related("body")
        year = request.query_params.get("year", "")
        if year.isdecimal():
            pools = pools.filter(year=int(year))
        return Response(
            PoolOutSerializer(
                [_pool_out(pool_status(p), request.user) for p in pools], many=True
            ).data
        )

    @extend_schema(
        summary="Create a pool (secretary of its body)",
        request=PoolInSerializer,
        responses={201: PoolOutSerializer},
    )
    def post(self, request: Request) -> Response:
        incoming = PoolInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        body = self._body(request, data.get("body"))
        pool = pool_create(
            body=body,
            name=data["name"],
            year=data["year"],
            amount=data["amount"],
            unit=data["unit"],
            actor=request.user,
        )
        return Response(
            PoolOutSerializer(_pool_out(pool_status(pool), request.user)).data,
            status=status.HTTP_201_CREATED,
        )

    def _body(self, request: Request, slug: str | None) -> Body:
        if slug:
            body = bodies_with_access(request.user).filter(slug=slug).first()
            if body is None:
                raise ValidationError(
                    {"body": _("Organet “%(slug)s” findes ikke.") % {"slug": slug}}
                )
            return body
        secretary_of = Membership.objects.filter(
            user_id=request.user.pk or 0, role=Membership.Role.SECRETARY
        ).values("body_id")
        bodies = list(Body.objects.filter(pk__in=secretary_of))
        if len(bodies) != 1:
            raise ValidationError({"body": _("Angiv organet (body), puljen hører til.")})
        return bodies[0]


class PoolDetailView(APIView):
    @extend_schema(
        summary="A pool's balance, whether it is overdrawn, and its allocations in order",
        responses=PoolOutSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        pool = get_object_or_404(
            Pool.objects.visible_to(request.user).select_related("body"), pk=pk
        )
        return Response(PoolOutSerializer(_pool_out(pool_status(pool), request.user)).data)


class ItemAllocationsView(APIView):
    parser_classes = [DecimalJSONParser]

    @extend_schema(summary="The item's allocations", responses=AllocationOutSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        item = get_item_for_user(request.user, pk)
        allocations = (
            Allocation.objects.filter(item=item)
            .select_related("item", "item__meeting", "item__decision")
            .order_by("pk")
        )
        return Response(
            AllocationOutSerializer(
                [_allocation_out(a, visible={item.pk}, balance_after=None) for a in allocations],
                many=True,
            ).data
        )

    @extend_schema(
        summary="Let the item draw on a pool (secretary of the item's body)",
        request=AllocationInSerializer,
        responses={201: AllocationOutSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        item = get_item_for_user(request.user, pk)
        if not may_edit_body(request.user, item.meeting.body_id):
            raise PermissionDenied(_("Kun organets sekretær kan disponere fra puljer."))
        incoming = AllocationInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        pool = Pool.objects.filter(pk=data["pool"]).first()
        if pool is None or not may_edit_body(request.user, pool.body_id):
            raise ValidationError({"pool": _("Puljen findes ikke.")})
        allocation = allocation_create(
            item=item,
            pool=pool,
            amount=data["amount"],
            year=data.get("year"),
            permanent=data["permanent"],
            note=data["note"],
            actor=request.user,
        )
        allocation = Allocation.objects.select_related(
            "item", "item__meeting", "item__decision"
        ).get(pk=allocation.pk)
        return Response(
            AllocationOutSerializer(
                _allocation_out(allocation, visible={item.pk}, balance_after=None)
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ItemBudgetTablesView(APIView):
    @extend_schema(
        summary="The item's budget tables in the exchange format, with computed totals",
        responses=inline_serializer(
            "BudgetTable",
            fields={
                "caption": serializers.CharField(),
                "unit": serializers.CharField(),
                "section": serializers.CharField(),
                "ref_heading": serializers.CharField(),
                "text_heading": serializers.CharField(),
                "columns": serializers.ListField(child=serializers.CharField()),
                "rows": serializers.ListField(child=serializers.DictField()),
                "totals": serializers.ListField(
                    child=serializers.CharField(allow_null=True), allow_null=True
                ),
            },
            many=True,
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(tables_to_exchange(get_item_for_user(request.user, pk, agenda=True)))
