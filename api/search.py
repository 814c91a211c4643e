"""GET /api/search/: the search of /search/ as JSON, for integrations and scripts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings.forms.search import SearchForm, page_number
from meetings.search import COUNT_LIMIT, SearchHit, search_items

API_PAGE_SIZE = 20


class SearchHitSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField(source="item_id")
    meeting = serializers.IntegerField(source="meeting_id")
    meeting_date = serializers.DateField()
    body = serializers.CharField()
    item_number = serializers.IntegerField()
    title = serializers.CharField()
    case_number = serializers.CharField()
    outcome = serializers.CharField(help_text="godkendt, taget_til_efterretning, udskudt … or ''")
    outcome_label = serializers.CharField()
    snippet = serializers.CharField(
        help_text="HTML: the text is escaped, and the matched words are wrapped in <mark>."
    )
    url = serializers.SerializerMethodField()
    near_miss = serializers.BooleanField(
        help_text="Found by a word close to the query's (a typo), not by the words themselves."
    )

    def get_url(self, hit: SearchHit) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(hit.url) if request else hit.url


def _param(name: str, type_: Any, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description)


class SearchView(APIView):
    """Full-text search in Danish over the agenda items and decisions the caller may see."""

    @extend_schema(
        operation_id="search",
        parameters=[
            _param("q", OpenApiTypes.STR, 'Words, "a phrase", -excluded, or a case number.'),
            _param("body", OpenApiTypes.STR, "The body's short name (slug)."),
            _param("from", OpenApiTypes.DATE, "Meetings on or after this date (YYYY-MM-DD)."),
            _param("to", OpenApiTypes.DATE, "Meetings on or before this date (YYYY-MM-DD)."),
            _param("outcome", OpenApiTypes.STR, "godkendt, taget_til_efterretning, udskudt …"),
            _param("case", OpenApiTypes.STR, "Only items of this case (17/22360)."),
            _param("sort", OpenApiTypes.STR, "relevans (default with a query) or dato."),
            _param("page", OpenApiTypes.INT, "Page number, from 1; 20 results a page."),
        ],
        responses={
            200: inline_serializer(
                "SearchPage",
                {
                    "count": serializers.IntegerField(
                        help_text=f"Matches, counted up to {COUNT_LIMIT}."
                    ),
                    "count_capped": serializers.BooleanField(
                        help_text=f"There are more than {COUNT_LIMIT} matches."
                    ),
                    "page": serializers.IntegerField(),
                    "num_pages": serializers.IntegerField(),
                    "case_url": serializers.CharField(allow_null=True),
                    "notices": serializers.ListField(child=serializers.CharField()),
                    "results": SearchHitSerializer(many=True),
                },
            ),
            400: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params, user=request.user)
        if not form.is_valid():
            return Response(
                {"detail": _("Søgningen kunne ikke udføres."), "errors": form.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        page = search_items(
            request.user,
            form.cleaned_data["q"],
            form.filters(
                page=page_number(request.query_params.get("page")), page_size=API_PAGE_SIZE
            ),
        )
        case_url = request.build_absolute_uri(page.case.get_absolute_url()) if page.case else None
        return Response(
            {
                "count": page.count,
                "count_capped": page.count_capped,
                "page": page.page,
                "num_pages": page.num_pages,
                "case_url": case_url,
                "notices": page.notices,
                "results": SearchHitSerializer(
                    page.hits, many=True, context={"request": request}
                ).data,
            }
        )
