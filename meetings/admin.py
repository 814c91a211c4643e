"""The admin of bodies, meetings, items and cases; it writes past the workflow, so the database
locks are what keep approved content as it is."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect

from meetings.errors import DecisionLocked
from meetings.locks import item_is_locked, locked_edits_refused, locked_message
from meetings.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Case,
    Decision,
    Meeting,
    Membership,
    Recommendation,
    RecommendationClause,
)


class LockedEditsRefusedMixin:
    """The admin writes past the workflow, so the database lock is what stops it changing an
    approved item: its refusal becomes a Danish message instead of a server error."""

    def _refusing(
        self, view: Callable[..., HttpResponseBase], request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        try:
            with locked_edits_refused():
                return view(request, *args, **kwargs)
        except DecisionLocked as exc:
            self.message_user(request, str(exc), level=messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._refusing(super().changeform_view, request, *args, **kwargs)  # type: ignore[misc]

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._refusing(super().delete_view, request, *args, **kwargs)  # type: ignore[misc]

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._refusing(super().changelist_view, request, *args, **kwargs)  # type: ignore[misc]


class LockAwareInlineMixin:
    """An inline of an item shows read-only when the item's decision is approved and locked."""

    def _locked(self, obj: Any) -> bool:
        return isinstance(obj, AgendaItem) and obj.pk is not None and item_is_locked(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "review_by_chair_only"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [MembershipInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["number", "title", "case", "closed"]
    extra = 0
    autocomplete_fields = ["case"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(LockedEditsRefusedMixin, admin.ModelAdmin):
    list_display = ["body", "starts_at", "location", "status", "imported_from"]
    list_filter = ["body", "status"]
    # The status moves only through the workflow's services (meetings/services/review.py).
    readonly_fields = ["status"]
    date_hierarchy = "starts_at"
    inlines = [AttendanceInline, AgendaItemInline]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["number", "title"]


class RecommendationInline(LockAwareInlineMixin, admin.StackedInline):
    model = Recommendation
    extra = 0


class DecisionInline(LockAwareInlineMixin, admin.StackedInline):
    model = Decision
    extra = 0


class AttachmentInline(LockAwareInlineMixin, admin.TabularInline):
    model = Attachment
    extra = 0


@admin.register(AgendaItem)
class AgendaItemAdmin(LockedEditsRefusedMixin, admin.ModelAdmin):
    list_display = ["meeting", "number", "title", "case", "closed"]
    list_filter = ["closed", "meeting__body"]
    search_fields = ["title", "case__number"]
    autocomplete_fields = ["case"]
    inlines = [RecommendationInline, DecisionInline, AttachmentInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and item_is_locked(obj):
            return [f.name for f in AgendaItem._meta.fields if f.editable]
        return super().get_readonly_fields(request, obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        item = AgendaItem.objects.filter(pk=object_id).first() if object_id.isdecimal() else None
        if request.method == "GET" and item is not None and item_is_locked(item):
            self.message_user(request, locked_message(), level=messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(RecommendationClause)
class RecommendationClauseAdmin(LockedEditsRefusedMixin, admin.ModelAdmin):
    list_display = ["recommendation", "position", "text"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "body", "role"]
    list_filter = ["body", "role"]
