"""Budget tables of an item's Økonomi and Sagsfremstilling, pools and allocations (DESIGN.md).

A budget table stores what was typed — lines with their amounts — and never a total: totals
and subtotals are computed (budget/tables.py). A total stated by a source document that
disagrees with the computed one is kept beside it (`BudgetCell.stated`) and flagged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meetings.access import bodies_with_access
from meetings.models import AgendaItem, Body, Decision, Meeting

if TYPE_CHECKING:
    from meetings.models import AnyUser


class Unit(models.TextChoices):
    KR = "kr.", "kr."
    THOUSANDS = "1.000 kr.", "1.000 kr."
    MILLIONS = "mio. kr.", "mio. kr."


class BudgetTable(models.Model):
    """A table of amounts per year (or per named column) in one section of an item."""

    class Section(models.TextChoices):
        ECONOMY = "okonomi", _("Økonomi")
        PRESENTATION = "sagsfremstilling", _("Sagsfremstilling")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="budget_tables")
    section = models.CharField(
        _("afsnit"), max_length=20, choices=Section.choices, default=Section.ECONOMY
    )
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)
    caption = models.CharField(_("overskrift"), max_length=500, blank=True)
    unit = models.CharField(_("enhed"), max_length=20, choices=Unit.choices, default=Unit.KR)
    # Headings of the reference and text columns, e.g. "Punkt" and "Disponering af …".
    ref_heading = models.CharField(_("overskrift over punkt"), max_length=100, blank=True)
    text_heading = models.CharField(_("overskrift over tekst"), max_length=200, blank=True)
    # Where in the section the table stands: after this many blocks (paragraphs, headings,
    # lists, tables) of the section's text; empty puts it after the text.
    anchor = models.PositiveIntegerField(_("placering i teksten"), null=True, blank=True)
    # Raised by every saved edit; a save naming an older version is a conflict.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["item", "section", "position", "pk"]
        verbose_name = _("budgettabel")
        verbose_name_plural = _("budgettabeller")

    def __str__(self) -> str:
        return self.caption or f"Budgettabel {self.pk}"


class BudgetColumn(models.Model):
    """A column of amounts: a year ("2018") or a name ("Beløb")."""

    # Indexed by the unique (table, position) constraint, which leads with it.
    table = models.ForeignKey(
        BudgetTable, on_delete=models.CASCADE, related_name="columns", db_index=False
    )
    position = models.PositiveIntegerField(_("rækkefølge"))
    label = models.CharField(_("kolonne"), max_length=100, blank=True)

    class Meta:
        ordering = ["table", "position"]
        verbose_name = _("budgetkolonne")
        verbose_name_plural = _("budgetkolonner")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "position"],
                name="budget_column_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self) -> str:
        return self.label


class BudgetRow(models.Model):
    """A row: a group heading, a line with amounts, a computed subtotal or total, or a note."""

    class Kind(models.TextChoices):
        HEADING = "heading", _("Overskrift")
        LINE = "line", _("Linje")
        SUBTOTAL = "subtotal", _("Subtotal")
        TOTAL = "total", _("Total")
        NOTE = "note", _("Note")

    # Indexed by the unique (table, position) constraint, which leads with it.
    table = models.ForeignKey(
        BudgetTable, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    position = models.PositiveIntegerField(_("rækkefølge"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.LINE)
    ref = models.CharField(_("punkt"), max_length=20, blank=True)
    text = models.CharField(_("tekst"), max_length=1000, blank=True)
    # On a subtotal: its lines count negatively in the total ("Samlede gevinster" below
    # "Samlede omkostninger", with "I alt" the difference).
    subtract = models.BooleanField(_("trækkes fra i totalen"), default=False)

    class Meta:
        ordering = ["table", "position"]
        verbose_name = _("budgetrække")
        verbose_name_plural = _("budgetrækker")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "position"],
                name="budget_row_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.text}".strip()


class BudgetCell(models.Model):
    """One amount of a row in a column. Blank cells are not stored.

    A line or note holds `value` (or is `unknown`, the "?" of the minutes). A subtotal or
    total holds nothing typed: its figure is computed; `stated` keeps a figure a source
    document gave that disagrees with the computed one, so the secretary can see both.
    """

    # Indexed by the unique (row, column) constraint, which leads with it.
    row = models.ForeignKey(
        BudgetRow, on_delete=models.CASCADE, related_name="cells", db_index=False
    )
    column = models.ForeignKey(BudgetColumn, on_delete=models.CASCADE, related_name="cells")
    value = models.DecimalField(_("beløb"), null=True, blank=True, max_digits=18, decimal_places=4)
    unknown = models.BooleanField(_("ukendt beløb"), default=False)
    stated = models.DecimalField(
        _("angivet total"), null=True, blank=True, max_digits=18, decimal_places=4
    )

    class Meta:
        verbose_name = _("budgetcelle")
        verbose_name_plural = _("budgetceller")
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="budget_cell_unique"),
            models.CheckConstraint(
                condition=~(Q(unknown=True) & Q(value__isnull=False)),
                name="budget_cell_unknown_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row} / {self.column}: {self.value}"


class PoolQuerySet(models.QuerySet["Pool"]):
    def visible_to(self, user: AnyUser) -> PoolQuerySet:
        """Pools whose status the user may see: those of the user's bodies (any role), all
        for superusers. A pool's balance reflects its body's closed decisions too, so it is
        never shown outside the body."""
        return self.filter(body__in=bodies_with_access(user))


class Pool(models.Model):
    """A pot of money of one budget year (a pulje, e.g. the it-promillepulje 2018) that the
    body's decisions draw on. The same name in another year is the same pool's next year."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="pools")
    name = models.CharField(_("navn"), max_length=200)
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.DecimalField(_("beløb"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("enhed"), max_length=20, choices=Unit.choices, default=Unit.KR)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PoolQuerySet.as_manager()

    class Meta:
        ordering = ["body", "name", "year"]
        verbose_name = _("pulje")
        verbose_name_plural = _("puljer")
        constraints = [
            models.UniqueConstraint(fields=["body", "name", "year"], name="pool_unique_name_year"),
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2199), name="pool_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("budget:pool_detail", args=[self.pk])


# Until decisions are approved one by one, an item's decision counts as approved when its
# meeting's minutes are. `AllocationQuerySet.approved` and `allocation_is_approved` are the
# only two places that know this.
APPROVED_MEETING_STATUSES = (Meeting.Status.APPROVED, Meeting.Status.PUBLISHED)
# A decision that turned the item down or put it off draws nothing from a pool.
NON_DRAWING_OUTCOMES = (Decision.Outcome.REJECTED, Decision.Outcome.POSTPONED)


class AllocationQuerySet(models.QuerySet["Allocation"]):
    def approved(self) -> AllocationQuerySet:
        """Allocations that count: the item's decision is approved and did not turn it down."""
        return self.filter(item__meeting__status__in=APPROVED_MEETING_STATUSES).exclude(
            item__decision__outcome__in=NON_DRAWING_OUTCOMES
        )

    def pending(self) -> AllocationQuerySet:
        """Allocations proposed by items whose decision is not (yet) approved."""
        return self.exclude(pk__in=self.approved().values("pk"))


class Allocation(models.Model):
    """An item's draw on a pool (disponering): once, or permanently ("varig") from its year.

    The year is the pool's year; a permanent allocation also draws on the same pool of every
    later year. A negative amount gives money back to the pool (tilbageføres).
    """

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="allocations")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="allocations")
    amount = models.DecimalField(_("beløb"), max_digits=18, decimal_places=4)
    year = models.PositiveSmallIntegerField(_("år"))
    permanent = models.BooleanField(_("varig"), default=False)
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["pool", "pk"]
        verbose_name = _("disponering")
        verbose_name_plural = _("disponeringer")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="allocation_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.pool}: {self.amount}"


# History, as for the meetings' content (meetings.models.HISTORY_TRACKED_MODELS): every insert,
# update and delete of an item's money leaves an event row written by a database trigger, with
# the acting user from pghistory's context. budget/history.py reads them.
BUDGET_HISTORY_TRACKED_MODELS: tuple[type[models.Model], ...] = (
    BudgetTable,
    BudgetColumn,
    BudgetRow,
    BudgetCell,
    Allocation,
)
for _tracked in BUDGET_HISTORY_TRACKED_MODELS:
    pghistory.track(
        pghistory.InsertEvent(level=pghistory.Statement),
        pghistory.UpdateEvent(level=pghistory.Statement),
        pghistory.DeleteEvent(level=pghistory.Statement),
    )(_tracked)


def allocation_is_approved(allocation: Allocation) -> bool:
    """Whether this allocation counts in its pool's balance (see AllocationQuerySet.approved)."""
    item = allocation.item
    if item.meeting.status not in APPROVED_MEETING_STATUSES:
        return False
    decision = getattr(item, "decision", None)
    return decision is None or decision.outcome not in NON_DRAWING_OUTCOMES


def pool_report_upload_to(instance: PoolStatusReport, filename: str) -> str:
    return f"pool-status/{instance.body_id}/{filename}"


class PoolStatusReport(models.Model):
    """A PDF of "Status på puljer" for a body, rendered by a worker, never in a request.

    Keyed on the body and a hash of what it shows: asking again for unchanged pools reuses the
    finished file."""

    class Status(models.TextChoices):
        QUEUED = "venter", _("Venter")
        RUNNING = "koerer", _("Dannes")
        DONE = "faerdig", _("Færdig")
        FAILED = "fejlet", _("Fejlet")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="pool_reports")
    content_key = models.CharField(_("indholdsnøgle"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(_("fil"), upload_to=pool_report_upload_to, blank=True, max_length=500)
    error = models.TextField(_("fejl"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the job was handed to the broker; None means it still has to be sent (the
    # broker was down): the sweep sends it.
    dispatched_at = models.DateTimeField(_("sendt til køen"), null=True, blank=True)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    # Runs lost with their worker (killed mid-render): the first is run again, the second fails.
    lost_runs = models.PositiveSmallIntegerField(_("tabte kørsler"), default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("puljestatus (PDF)")
        verbose_name_plural = _("puljestatus (PDF)")
        indexes = [models.Index(fields=["body", "content_key"], name="pool_report_key")]

    def __str__(self) -> str:
        return f"Status på puljer {self.body} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("budget:pool_report", args=[self.pk])
