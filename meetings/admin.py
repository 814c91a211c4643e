from django.contrib import admin

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
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["body", "starts_at", "location", "status", "imported_from"]
    list_filter = ["body", "status"]
    date_hierarchy = "starts_at"
    inlines = [AttendanceInline, AgendaItemInline]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["number", "title"]


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["meeting", "number", "title", "case", "closed"]
    list_filter = ["closed", "meeting__body"]
    search_fields = ["title", "case__number"]
    autocomplete_fields = ["case"]
    inlines = [RecommendationInline, DecisionInline, AttachmentInline]


@admin.register(RecommendationClause)
class RecommendationClauseAdmin(admin.ModelAdmin):
    list_display = ["recommendation", "position", "text"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "body", "role"]
    list_filter = ["body", "role"]
