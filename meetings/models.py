"""The domain of DESIGN.md: bodies, meetings, agenda items, cases, decisions, attachments."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Length, Upper
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from common.indexes import RumIndex
from meetings.validators import CASE_NUMBER_MAX_LENGTH, case_url_key, validate_case_number

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    AnyUser = User | AnonymousUser


class Body(models.Model):
    """A board or committee that meets and decides (Direktionen, Økonomiudvalget …)."""

    class AttachmentPlacement(models.TextChoices):
        AFTER_ITEM = "after_item", _("Efter hvert punkt")
        AT_END = "at_end", _("Samlet til sidst")

    name = models.CharField(_("navn"), max_length=200, unique=True)
    slug = models.SlugField(_("kort navn"), max_length=100, unique=True)
    review_by_chair_only = models.BooleanField(
        _("kun formanden godkender"),
        default=False,
        help_text=_("Referatet godkendes af formanden alene i stedet for af alle deltagere."),
    )
    # Standard items (e.g. "Godkendelse af dagsorden", "Meddelelser", "Eventuelt") that a new
    # agenda of the body starts with, in this order.
    standard_items = models.JSONField(_("standardpunkter"), default=list, blank=True)
    # A political body (Byrådet, its committees) meets in public: its published agendas and
    # minutes are for everyone, anonymous visitors included. An internal body (Direktionen)
    # publishes to the municipality's staff only.
    public = models.BooleanField(
        _("offentligt organ"),
        default=False,
        help_text=_(
            "Dagsordener og referater, der er offentliggjort, kan læses af alle uden login."
        ),
    )
    # Where the agenda package (dagsorden med bilag) places the attachments' pages: after the
    # item they belong to, or all of them after the last item.
    attachment_placement = models.CharField(
        _("bilag i dagsordenspakken"),
        max_length=20,
        choices=AttachmentPlacement.choices,
        default=AttachmentPlacement.AFTER_ITEM,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organ")
        verbose_name_plural = _("organer")

    def __str__(self) -> str:
        return self.name


def municipality_logo_upload_to(instance: Municipality, filename: str) -> str:
    return f"municipality/{filename}"


class Municipality(models.Model):
    """The municipality that runs the system: its name, a short address and its logo, printed
    on the front page of every PDF and shown on the web pages. One row (pk 1), changed by a
    superuser through meetings/services/municipality.py."""

    SINGLETON_PK = 1

    name = models.CharField(_("kommunens navn"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    # PNG or JPEG only, read from its bytes on upload (see services/municipality.py): an SVG
    # can carry scripts and external references, and a logo has no need of them.
    logo = models.FileField(
        _("logo"), upload_to=municipality_logo_upload_to, blank=True, max_length=300
    )
    logo_content_type = models.CharField(_("logoets filtype"), max_length=50, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommune")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="municipality_single_row"),
        ]

    def __str__(self) -> str:
        return self.name or str(_("Kommunen"))

    @classmethod
    def current(cls) -> Municipality:
        """The one row, or an unsaved empty one when nothing has been set up yet."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)


class Party(models.Model):
    """A political party a member sits for: its letter (partibogstav) and name."""

    letter = models.CharField(_("partibogstav"), max_length=3, unique=True)
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        ordering = ["letter"]
        verbose_name = _("parti")
        verbose_name_plural = _("partier")

    def __str__(self) -> str:
        return f"{self.letter} – {self.name}"


class Membership(models.Model):
    """A member's seat in a body: a person (with or without a user), the party they sit for,
    their role and the period of their seat. A membership with a user grants that user access
    to the body's closed items. A substitute (stedfortræder) is a member who takes another
    member's seat at a meeting or an item."""

    class Role(models.TextChoices):
        CHAIR = "formand", _("Formand")
        VICE_CHAIR = "næstformand", _("Næstformand")
        MEMBER = "medlem", _("Medlem")
        SUBSTITUTE = "stedfortræder", _("Stedfortræder")
        SECRETARY = "sekretær", _("Sekretær")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("bruger"),
    )
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    # The member's name as printed; blank for a user's seat means the user's full name.
    name = models.CharField(_("navn"), max_length=200, blank=True)
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("parti"),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    starts_on = models.DateField(_("fra"), null=True, blank=True)
    ends_on = models.DateField(_("til"), null=True, blank=True)
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)

    class Meta:
        ordering = ["body", "position", "pk"]
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        constraints = [
            models.UniqueConstraint(fields=["user", "body"], name="membership_unique_user_body"),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="membership_has_a_name"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="membership_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} – {self.body} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.user is None:
            return ""
        return self.user.get_full_name() or self.user.get_username()

    @property
    def party_letter(self) -> str:
        return self.party.letter if self.party is not None else ""

    def serves_on(self, day: dt.date) -> bool:
        """Whether the seat's period covers the day (an open end covers every day)."""
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


def _sees_everything(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    """The one rule for who opens which meeting, and whose minutes they read.

    Everything about a meeting outside its body is read in one of two layers:
    - the agenda (items, their case texts, recommendations, public attachments), from the
      moment the secretary publishes the agenda (`agenda_published_at`), and
    - the minutes (decisions, attendance, who took part, votes, remarks, public decisions of
      closed items), only once the minutes are published.
    Logged-in users outside the body read both layers of every body; anonymous visitors only
    of public bodies (`Body.public`). The body's members and secretary read everything of
    their body, superusers everything.
    """

    def visible_to(self, user: AnyUser) -> MeetingQuerySet:
        """Meetings the user may open: with a published agenda or published minutes (for the
        anonymous only of public bodies), and every meeting of a body the user belongs to."""
        if _sees_everything(user):
            return self.all()
        published = Q(status=Meeting.Status.PUBLISHED) | Q(agenda_published_at__isnull=False)
        if not user.is_authenticated or not user.is_active:
            return self.filter(published, body__public=True)
        member = Membership.objects.filter(body=OuterRef("body"), user=user)
        return self.filter(published | Q(Exists(member)))

    def minutes_visible_to(self, user: AnyUser) -> MeetingQuerySet:
        """Meetings whose minutes the user may read: published minutes (for the anonymous only
        of public bodies), and every meeting of a body the user belongs to. Decisions,
        attendance and the protocol are shown only for these."""
        if _sees_everything(user):
            return self.all()
        published = Q(status=Meeting.Status.PUBLISHED)
        if not user.is_authenticated or not user.is_active:
            return self.filter(published, body__public=True)
        member = Membership.objects.filter(body=OuterRef("body"), user=user)
        return self.filter(published | Q(Exists(member)))


class Meeting(models.Model):
    """One sitting of a body; its agenda before the meeting, its minutes after."""

    class Status(models.TextChoices):
        DRAFT = "kladde", _("Kladde")
        IN_REVIEW = "til_godkendelse", _("Til godkendelse")
        APPROVED = "godkendt", _("Godkendt")
        PUBLISHED = "offentliggjort", _("Offentliggjort")
        # Approved or published minutes opened again for a correction (meetings/services/review.py).
        REOPENED = "genåbnet", _("Genåbnet")

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organ")
    )
    starts_at = models.DateTimeField(_("mødedato"))
    location = models.CharField(_("mødested"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    imported_from = models.CharField(_("importeret fra"), max_length=500, blank=True)
    # Raised by every saved edit of the date, place and participants (meeting_update); a save
    # naming an older version is a conflict, shown with both versions.
    version = models.PositiveIntegerField(_("version"), default=1)
    source_checksum = models.CharField(_("kildens kontrolsum"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    # When the agenda (dagsorden) was published, before the meeting: from then, those outside
    # the body read its items' agenda content, never decisions until the minutes are published.
    # Set only through meetings/services/agenda.py, recorded as a transition.
    agenda_published_at = models.DateTimeField(
        _("dagsorden offentliggjort"), null=True, blank=True, editable=False
    )
    # A member of the body named by the secretary to sign minutes that no member attended
    # (everyone sent afbud): they would otherwise have nobody to approve them. Named only
    # through meetings/services/review.py (meeting_name_signer); see access.meeting_reviewers.
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("underskriver"),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        constraints = [
            models.UniqueConstraint(fields=["body", "starts_at"], name="meeting_unique_body_start")
        ]

    def __str__(self) -> str:
        return f"{self.body} {timezone.localtime(self.starts_at):%d-%m-%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def is_imported(self) -> bool:
        return bool(self.imported_from)


class Attendance(models.Model):
    """Who took part in a meeting and in which role, or sent apologies (afbud)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    name = models.CharField(_("navn"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("bruger"),
    )
    role = models.CharField(_("rolle"), max_length=50, blank=True)
    present = models.BooleanField(_("til stede"), default=True)
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)
    # The body's member this line is about (blank for a guest), and, for a substitute, the
    # member whose seat they take at this meeting.
    member = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("medlem"),
    )
    substitute_for = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substituted_attendances",
        verbose_name=_("stedfortræder for"),
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="attendance_member_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(substitute_for__isnull=True) | Q(member__isnull=False),
                name="attendance_substitute_is_a_member",
            ),
        ]
        verbose_name = _("mødedeltager")
        verbose_name_plural = _("mødedeltagere")

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class Case(models.Model):
    """A case file (sag) that comes back in many meetings, numbered as the municipality's
    systems number it (REFERAT_CASE_NUMBER_PATTERNS: 17/22360, EMN-2025-003383, …)."""

    number = models.CharField(
        _("sagsnummer"),
        max_length=CASE_NUMBER_MAX_LENGTH,
        unique=True,
        validators=[validate_case_number],
    )
    title = models.CharField(_("titel"), max_length=500, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("sag")
        verbose_name_plural = _("sager")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("meetings:case_detail", args=[self.url_key])

    @property
    def url_key(self) -> str:
        return case_url_key(self.number)


class AgendaItemQuerySet(models.QuerySet["AgendaItem"]):
    def _reachable_by(self, user: AnyUser) -> AgendaItemQuerySet:
        """Items of the meetings the user may open that have gone out to them: every item of
        published minutes, of an agenda only the items published on it (with the agenda, or
        later on a tillægsdagsorden), and everything of the user's own bodies."""
        qs = self.filter(meeting__in=Meeting.objects.visible_to(user))
        if _sees_everything(user):
            return qs
        out = Q(meeting__status=Meeting.Status.PUBLISHED) | Q(agenda_published_at__isnull=False)
        if not user.is_authenticated or not user.is_active:
            return qs.filter(out)
        member = Membership.objects.filter(body=OuterRef("meeting__body"), user=user)
        return qs.filter(out | Q(Exists(member)))

    def visible_to(self, user: AnyUser) -> AgendaItemQuerySet:
        """The one rule for content: items whose content the user may see.

        The item must have reached the user (its meeting's minutes published, or the item
        published on the agenda, see MeetingQuerySet), and a closed item's content is for the
        body's members and secretary (and superusers) alone. Every page, search, API, export
        and PDF path that shows item content starts from this queryset; what the item's
        minutes hold (decision, protocol) needs `minutes_visible_to` as well.
        """
        qs = self._reachable_by(user)
        if _sees_everything(user):
            return qs
        if not user.is_authenticated or not user.is_active:
            return qs.filter(closed=False)
        member = Membership.objects.filter(body=OuterRef("meeting__body"), user=user)
        return qs.filter(Q(closed=False) | Q(Exists(member)))

    def minutes_visible_to(self, user: AnyUser) -> AgendaItemQuerySet:
        """Items whose decision and protocol the user may read: content visible, and the
        meeting's minutes visible (published, or the user's own body)."""
        return self.visible_to(user).filter(meeting__in=Meeting.objects.minutes_visible_to(user))

    def listed_for(self, user: AnyUser) -> AgendaItemQuerySet:
        """Every item that has reached the user, each annotated `content_visible`: a closed
        item the user may not see is still listed, as "Punkt N: Lukket"."""
        qs = self._reachable_by(user)
        if _sees_everything(user):
            return qs.annotate(content_visible=models.Value(True))
        if not user.is_authenticated or not user.is_active:
            return qs.annotate(
                content_visible=models.ExpressionWrapper(
                    Q(closed=False), output_field=models.BooleanField()
                )
            )
        member = Membership.objects.filter(body=OuterRef("meeting__body"), user=user)
        return qs.annotate(
            content_visible=models.ExpressionWrapper(
                Q(closed=False) | Q(Exists(member)), output_field=models.BooleanField()
            )
        )


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, user: AnyUser) -> AttachmentQuerySet:
        """Attachments the user may open: of items whose content the user may see, and an
        internal attachment only for the body's members and secretary (and superusers)."""
        return self.filter(item__in=AgendaItem.objects.visible_to(user)).listed_for(user)

    def listed_for(self, user: AnyUser) -> AttachmentQuerySet:
        """Of these attachments (of items the caller found through the rule), those the user
        may see listed: internal ones only for the body. For prefetching with the items."""
        if _sees_everything(user):
            return self
        if not user.is_authenticated or not user.is_active:
            return self.filter(internal=False)
        member = Membership.objects.filter(body=OuterRef("item__meeting__body"), user=user)
        return self.filter(Q(internal=False) | Q(Exists(member)))


class AgendaItem(models.Model):
    """A numbered item of a meeting. Its number is its position in the meeting."""

    # Indexed by the unique (meeting, number) constraint, which leads with it.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    number = models.PositiveIntegerField(_("punkt"))
    title = models.CharField(_("titel"), max_length=500)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("sag"),
    )
    closed = models.BooleanField(_("lukket punkt"), default=False)
    background = models.TextField(_("baggrund"), blank=True)
    presentation = models.TextField(_("sagsfremstilling"), blank=True)
    economy = models.TextField(_("økonomi"), blank=True)
    # An item postponed (udsat) at an earlier meeting and brought back on this agenda.
    postponed_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="taken_up_in",
        verbose_name=_("udsat fra"),
    )
    # When the item went out on a published agenda: with the agenda itself, or later as part
    # of a supplement (tillægsdagsorden, `supplementary`). Outside the body an item of an
    # unpublished meeting is seen only from then.
    agenda_published_at = models.DateTimeField(
        _("offentliggjort på dagsordenen"), null=True, blank=True, editable=False
    )
    supplementary = models.BooleanField(_("tillægsdagsorden"), default=False, editable=False)
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
        verbose_name=_("sidst gemt af"),
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")
        constraints = [
            # Deferred so that a reorder can swap numbers inside one transaction.
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="item_unique_number_in_meeting",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="item_number_positive"),
        ]
        indexes = [
            # What the visibility rule and search read of every matching item, without its text.
            models.Index(
                fields=["id"], include=["meeting", "number", "closed"], name="item_visibility_cover"
            ),
            # A near-miss word of the search is offered only when a title the reader may see
            # holds it (`title__icontains`): answered from trigrams, not by reading all titles.
            GinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="item_title_upper_trigram"),
        ]

    def __str__(self) -> str:
        return f"Punkt {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.meeting_id]) + f"#punkt-{self.number}"


class Recommendation(models.Model):
    """Indstilling: what the proposing unit asks the body to decide."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="recommendation")
    unit = models.CharField(_("indstillende enhed"), max_length=200, blank=True)
    lead_in = models.TextField(_("indledning"), blank=True)
    numbered = models.BooleanField(_("nummererede punkter"), default=True)
    # Anything after the clauses, as sanitised HTML.
    note = models.TextField(_("supplerende tekst"), blank=True)

    class Meta:
        verbose_name = _("indstilling")
        verbose_name_plural = _("indstillinger")

    def __str__(self) -> str:
        return f"Indstilling til {self.item}"


class RecommendationClause(models.Model):
    """One "at …" clause of a recommendation, in order."""

    # Indexed by the unique (recommendation, position) constraint, which leads with it.
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="clauses", db_index=False
    )
    position = models.PositiveIntegerField(_("rækkefølge"))
    text = models.TextField(_("tekst"))

    class Meta:
        ordering = ["recommendation", "position"]
        verbose_name = _("indstillingspunkt")
        verbose_name_plural = _("indstillingspunkter")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "position"],
                name="clause_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Decision(models.Model):
    """Beslutning: what the body decided, often opening with an outcome word."""

    class Outcome(models.TextChoices):
        APPROVED = "godkendt", _("Godkendt")
        NOTED = "taget_til_efterretning", _("Taget til efterretning")
        DISCUSSED = "drøftet", _("Drøftet")
        POSTPONED = "udskudt", _("Udskudt")
        REJECTED = "afvist", _("Afvist")
        OTHER = "andet", _("Andet")

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="decision")
    text = models.TextField(_("beslutning"), blank=True)
    outcome = models.CharField(
        _("udfald"), max_length=30, choices=Outcome.choices, blank=True, default=""
    )
    decided_on = models.DateField(_("besluttet den"), null=True, blank=True)
    # A closed item's decision as the public may read it (what was decided, without the
    # confidential details): required before the minutes are published.
    public_text = models.TextField(_("offentlig beslutning"), blank=True)
    # Review (meetings/services/review.py). `locked` is set when every reviewer has approved the
    # item as it stands; a database trigger then refuses any change to the item's content until
    # meeting_reopen clears it. A round is one version of the content under review: approvals
    # count only in the current round, which starts anew when the content changes.
    locked = models.BooleanField(_("godkendt og låst"), default=False, editable=False)
    review_round = models.PositiveIntegerField(_("godkendelsesrunde"), default=1, editable=False)
    review_hash = models.CharField(
        _("indholdets kontrolsum i runden"), max_length=64, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")

    def __str__(self) -> str:
        return f"Beslutning i {self.item}"

    @classmethod
    def outcome_from_label(cls, label: str) -> str:
        """Map a Danish outcome label ("Taget til efterretning") to its stored value."""
        return _outcomes_by_label(translation.get_language() or "").get(
            label.strip().casefold(), ""
        )


@functools.cache
def _outcomes_by_label(language: str) -> dict[str, str]:
    """Outcome values by their casefolded value and label in `language` (an import maps
    thousands of labels; the choices are the same for the life of the process)."""
    with translation.override(language or None):
        return {
            key: str(value)
            for value, text in Decision.Outcome.choices
            for key in (str(value).casefold(), str(text).casefold())
        }


class ItemParticipation(models.Model):
    """A member's part in one item that differs from the meeting's attendance: absent from the
    item (left early, came late), inhabil (forvaltningsloven § 3) by the body's decision, or a
    substitute taking another member's seat for the item."""

    class Kind(models.TextChoices):
        ABSENT = "fraværende", _("Fraværende")
        DISQUALIFIED = "inhabil", _("Inhabil")
        SUBSTITUTE = "stedfortræder", _("Stedfortræder")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("medlem")
    )
    kind = models.CharField(_("art"), max_length=20, choices=Kind.choices)
    substitute_for = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stedfortræder for"),
    )
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)

    class Meta:
        ordering = ["item", "pk"]
        verbose_name = _("deltagelse i punkt")
        verbose_name_plural = _("deltagelse i punkter")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="participation_member_once"),
            models.CheckConstraint(
                condition=Q(kind="stedfortræder", substitute_for__isnull=False)
                | (~Q(kind="stedfortræder") & Q(substitute_for__isnull=True)),
                name="participation_substitute_names_the_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.display_name}: {self.get_kind_display()} ({self.item})"


class Vote(models.Model):
    """One vote on an item (an amendment, then the recommendation): the question and each
    member's ballot. The tally and the result are computed from the ballots, never typed."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    position = models.PositiveIntegerField(_("rækkefølge"))
    question = models.TextField(_("afstemning om"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["item", "position"]
        verbose_name = _("afstemning")
        verbose_name_plural = _("afstemninger")
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="vote_position_unique"),
        ]

    def __str__(self) -> str:
        return f"Afstemning {self.position} i {self.item}"


class Ballot(models.Model):
    """One member's For / Imod / Undlod in a vote."""

    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "imod", _("Imod")
        ABSTAIN = "undlod", _("Undlod")

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("medlem")
    )
    choice = models.CharField(_("stemme"), max_length=10, choices=Choice.choices)

    class Meta:
        ordering = ["vote", "pk"]
        verbose_name = _("stemme")
        verbose_name_plural = _("stemmer")
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="ballot_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member.display_name}: {self.get_choice_display()}"


# A protokoltilførsel is brief (Kommunestyrelsesloven § 13 stk. 2).
REMARK_MAX_LENGTH = 1000


class Remark(models.Model):
    """A member's protokoltilførsel (brief dissent, printed under the decision) or a committee
    minority's mindretalsudtalelse (follows the recommendation to the next body)."""

    class Kind(models.TextChoices):
        DISSENT = "protokoltilførsel", _("Protokoltilførsel")
        MINORITY = "mindretalsudtalelse", _("Mindretalsudtalelse")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="remarks")
    kind = models.CharField(_("art"), max_length=30, choices=Kind.choices)
    member = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("medlem")
    )
    text = models.TextField(_("tekst"))
    created_at = models.DateTimeField(auto_now_add=True)
    # The member's own user; empty only for a remark imported for a member without a user.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["item", "created_at", "pk"]
        verbose_name = _("protokolbemærkning")
        verbose_name_plural = _("protokolbemærkninger")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), REMARK_MAX_LENGTH), name="remark_is_brief"
            ),
            models.UniqueConstraint(fields=["item", "kind", "member"], name="remark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.member.display_name})"


class Addendum(models.Model):
    """Tilføjelse: a correction to signed minutes, appended to the item — the original stays
    as it was. It becomes part of the protocol when the members who signed the decision have
    approved it (AddendumApproval)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField(_("tilføjelse"))
    reason = models.TextField(_("begrundelse"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Empty only for an addition imported from minutes whose author has no user here.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when the last signer approved it; from then on the addendum is locked like the item.
    approved_at = models.DateTimeField(_("godkendt"), null=True, blank=True)

    class Meta:
        ordering = ["item", "created_at", "pk"]
        verbose_name = _("tilføjelse")
        verbose_name_plural = _("tilføjelser")

    def __str__(self) -> str:
        return f"Tilføjelse til {self.item}"


class AddendumApproval(models.Model):
    """One signer's approval of an addendum."""

    addendum = models.ForeignKey(Addendum, on_delete=models.CASCADE, related_name="approvals")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["addendum", "created_at"]
        verbose_name = _("godkendelse af tilføjelse")
        verbose_name_plural = _("godkendelser af tilføjelser")
        constraints = [
            models.UniqueConstraint(fields=["addendum", "reviewer"], name="addendum_approval_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} godkendte {self.addendum}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.item.meeting_id}/{instance.item_id}/{filename}"


class Attachment(models.Model):
    """Bilag: a title, and the file where there is one. Served only through a checked view."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("titel"), max_length=500)
    file = models.FileField(_("fil"), upload_to=attachment_upload_to, blank=True, max_length=500)
    content_type = models.CharField(_("filtype"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("størrelse"), default=0)
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)
    # An internal attachment (a working paper, personal data) is for the body alone, like a
    # closed item's: never on a public page, in a public PDF or package, or in outsiders' search.
    internal = models.BooleanField(
        _("kun internt"),
        default=False,
        help_text=_("Bilaget vises kun for organets medlemmer og sekretær."),
    )
    # The file's text where it can be read (PDF, plain text), so that search finds it.
    extracted_text = models.TextField(_("tekst fra filen"), blank=True, editable=False)
    # True while the text of a large file waits for the worker (and is not yet searchable);
    # `text_dispatched_at` None means the task has still to be sent: the broker was down.
    # The sweep (pdf.services.dispatch_pending) sends it again.
    text_pending = models.BooleanField(_("tekst venter"), default=False, editable=False)
    text_dispatched_at = models.DateTimeField(
        _("tekst sendt til køen"), null=True, blank=True, editable=False
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["item", "position", "pk"]
        indexes = [
            models.Index(
                fields=["text_dispatched_at"],
                condition=Q(text_pending=True),
                name="attachment_text_pending",
            )
        ]
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")

    def __str__(self) -> str:
        return self.title

    def get_download_url(self) -> str:
        return reverse("meetings:attachment_download", args=[self.pk])


class SearchDocument(models.Model):
    """The full-text index of one agenda item.

    Written only by the database: the triggers of migration `0004_search_index` recompute the
    parts in the same transaction as any change to the item, its case, recommendation and
    clauses, decision or attachments — whoever makes it (a page, an import, a bulk update in
    SQL). `document` is the weighted sum of the parts (title and case A, decision B,
    recommendation and background C, the rest D), internal attachments excepted.
    """

    item = models.OneToOneField(
        AgendaItem,
        on_delete=models.DO_NOTHING,  # the database removes the row with its item
        primary_key=True,
        related_name="search_document",
    )
    item_part = SearchVectorField()
    recommendation_part = SearchVectorField()
    decision_part = SearchVectorField()
    # The attachments everyone who reads the item may read; internal ones (`Attachment.internal`)
    # are the body's and stay out of `document`, which outsiders search: they are matched,
    # for the body alone, through `internal_attachment_part` (meetings/search.py).
    attachment_part = SearchVectorField()
    internal_attachment_part = SearchVectorField()
    document = SearchVectorField()

    class Meta:
        verbose_name = _("søgeindeks")
        verbose_name_plural = _("søgeindeks")
        indexes = [
            RumIndex(
                fields=["document"], name="searchdoc_document_rum", opclasses=["rum_tsvector_ops"]
            ),
            GinIndex(fields=["internal_attachment_part"], name="searchdoc_internal_gin"),
        ]

    def __str__(self) -> str:
        return f"Søgeindeks for punkt {self.item_id}"


class SearchTerm(models.Model):
    """A word of an item's or a case's title, for near-miss searches: a query word that finds
    nothing is compared (trigram similarity) with these, and the closest words are searched
    instead. Filled by the same triggers as `SearchDocument`; never shown to a user as such."""

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        verbose_name = _("søgeord")
        verbose_name_plural = _("søgeord")
        indexes = [
            GinIndex(fields=["word"], name="searchterm_word_trigram", opclasses=["gin_trgm_ops"])
        ]

    def __str__(self) -> str:
        return self.word


class ItemPresence(models.Model):
    """Who has an item open in the editor: a heartbeat row, fresh for a short while."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(_("sidst set"))

    class Meta:
        verbose_name = _("åben hos")
        verbose_name_plural = _("åben hos")
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="presence_unique_item_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} i {self.item}"


def import_upload_to(instance: ImportJob, filename: str) -> str:
    return f"imports/{instance.created_at:%Y%m%d}/{filename}"


class ImportJob(models.Model):
    """An upload of minutes files on the "Importér referater" page, run by a Celery worker.

    The status and the per-file report live here, not only in Celery, so the page can show
    progress and the result after a worker restart.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("I gang")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # [{"name", "path"}] of the uploaded files, in order, under MEDIA_ROOT.
    files = models.JSONField(default=list)
    # [FileReport.as_dict()] in the same order, filled as the worker goes.
    reports = models.JSONField(default=list)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def progress(self) -> int:
        """Percent done, 0–100."""
        return round(100 * self.processed / self.total) if self.total else 0


class DecisionApproval(models.Model):
    """One reviewer's verdict on one decision in one review round, bound to the exact content
    they saw (`text_hash`, and the content itself in `content` so a later diff can show what
    changed). Written only by meetings/services/review.py."""

    class Status(models.TextChoices):
        APPROVED = "godkendt", _("Godkendt")
        CHANGES_REQUESTED = "ændringer_ønsket", _("Ændringer ønsket")

    decision = models.ForeignKey(
        Decision,
        on_delete=models.CASCADE,
        related_name="approvals",
        verbose_name=_("beslutning"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="decision_approvals",
        verbose_name=_("godkender"),
    )
    round = models.PositiveIntegerField(_("runde"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    text_hash = models.CharField(_("kontrolsum af det godkendte"), max_length=64)
    content = models.JSONField(_("indhold, som det blev set"), default=dict)
    comment = models.TextField(_("kommentar"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["decision", "round", "created_at", "pk"]
        verbose_name = _("godkendelse")
        verbose_name_plural = _("godkendelser")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "reviewer", "round"], name="approval_one_per_reviewer_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.get_status_display()} ({self.decision})"


class MeetingTransition(models.Model):
    """A move of a meeting's minutes through the review workflow: who, when, from, to, why."""

    class Action(models.TextChoices):
        SUBMIT_FOR_REVIEW = "submit_for_review", _("Sendt til godkendelse")
        APPROVE = "approve", _("Godkendt")
        PUBLISH = "publish", _("Offentliggjort")
        REOPEN = "reopen", _("Genåbnet")
        # Minutes approved and published outside the system, brought in by an archive import
        # (`import_minutes --archive --user …`): the file and its checksum are recorded.
        IMPORT_ARCHIVE = "import_archive", _("Importeret som arkiv")
        # The secretary named who signs minutes that no member attended (`signer`).
        NAME_SIGNER = "name_signer", _("Underskriver udpeget")
        # The agenda went out before the meeting (status unchanged), and later items as a
        # supplement; a late one carries its reason (Kommunestyrelsesloven § 8).
        PUBLISH_AGENDA = "publish_agenda", _("Dagsorden offentliggjort")
        PUBLISH_SUPPLEMENT = "publish_supplement", _("Tillægsdagsorden offentliggjort")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("møde")
    )
    action = models.CharField(_("handling"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("fra"), max_length=20, choices=Meeting.Status.choices)
    to_status = models.CharField(_("til"), max_length=20, choices=Meeting.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meeting_transitions",
        verbose_name=_("udført af"),
    )
    reason = models.TextField(_("begrundelse"), blank=True)
    # An archive import: the file the minutes came from and its SHA-256 (hex).
    file_name = models.CharField(_("fil"), max_length=500, blank=True, default="", db_default="")
    file_sha256 = models.CharField(
        _("filens SHA-256"), max_length=64, blank=True, default="", db_default=""
    )
    # Naming a signer: the member named.
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("underskriver"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The database transaction that recorded the move (pg_current_xact_id()), written by the
    # database itself whatever the writer sends (migration 0014). The lock triggers unlock a
    # meeting's approved decisions only in a transaction that has recorded its reopen, so
    # even plain SQL cannot unlock without leaving a reopen on record.
    db_transaction = models.BigIntegerField(
        _("databasetransaktion"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("statusskift")
        verbose_name_plural = _("statusskift")

    def __str__(self) -> str:
        return f"{self.meeting}: {self.from_status} → {self.to_status}"


# History: every insert, update and delete of these tables leaves an event row, written by a
# database trigger, so bulk updates and changes made outside the app are recorded too. The
# acting user comes from pghistory's context (middleware for requests, services otherwise).
# meetings/selectors/history.py reads them.
HISTORY_TRACKED_MODELS: tuple[type[models.Model], ...] = (
    Meeting,
    Attendance,
    Membership,
    AgendaItem,
    Recommendation,
    RecommendationClause,
    Decision,
    Attachment,
    DecisionApproval,
    MeetingTransition,
    Party,
    ItemParticipation,
    Vote,
    Ballot,
    Remark,
    Addendum,
    AddendumApproval,
)
# Fields derived by the system rather than changed by anyone: the text read out of an
# attachment's file is large and says nothing about who changed what.
# The transaction a status move was recorded in is the lock triggers' business, not a change.
HISTORY_UNTRACKED_FIELDS: dict[type[models.Model], list[str]] = {
    Attachment: ["extracted_text", "text_pending", "text_dispatched_at"],
    MeetingTransition: ["db_transaction"],
}
for _tracked in HISTORY_TRACKED_MODELS:
    pghistory.track(
        pghistory.InsertEvent(level=pghistory.Statement),
        pghistory.UpdateEvent(level=pghistory.Statement),
        pghistory.DeleteEvent(level=pghistory.Statement),
        exclude=HISTORY_UNTRACKED_FIELDS.get(_tracked, []),
    )(_tracked)
