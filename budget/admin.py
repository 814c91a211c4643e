"""The admin of budget tables, pools, allocations and pool reports. It writes past the
services, so the database lock keeps an approved item's money as it is, and its refusal is a
Danish message here, as in the items' admin."""

from django.contrib import admin

from budget.models import Allocation, BudgetTable, Pool, PoolStatusReport
from meetings.admin import LockedEditsRefusedMixin


@admin.register(BudgetTable)
class BudgetTableAdmin(LockedEditsRefusedMixin, admin.ModelAdmin):
    list_display = ["caption", "item", "section", "unit", "version", "updated_at"]
    list_select_related = ["item", "item__meeting"]
    raw_id_fields = ["item"]
    readonly_fields = ["version", "updated_by"]


@admin.register(Pool)
class PoolAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "body", "amount", "unit"]
    list_filter = ["body", "year"]
    search_fields = ["name"]


@admin.register(Allocation)
class AllocationAdmin(LockedEditsRefusedMixin, admin.ModelAdmin):
    list_display = ["pool", "item", "amount", "year", "permanent", "created_at"]
    list_select_related = ["pool", "item", "item__meeting"]
    raw_id_fields = ["item"]
    readonly_fields = ["created_by"]


@admin.register(PoolStatusReport)
class PoolStatusReportAdmin(admin.ModelAdmin):
    list_display = ["body", "status", "created_at", "finished_at"]
    readonly_fields = ["content_key", "file", "error", "requested_by", "finished_at"]
