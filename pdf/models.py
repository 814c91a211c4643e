"""A PDF job: one rendering of one meeting's minutes or agenda, in one variant.

The job is keyed on what it renders (meeting, document, variant and the hash of the HTML), so
asking again for an unchanged meeting finds the job that already holds the file, and a rerun of
the same job can only ever produce the same file. Status, progress and the last error live
here, not only in Celery's result backend.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting


class PdfJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Laves")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    class Variant(models.TextChoices):
        INTERNAL = "internal", _("Intern")
        PUBLIC = "public", _("Offentlig")

    class Document(models.TextChoices):
        MINUTES = "minutes", _("Referat")
        AGENDA = "agenda", _("Dagsorden")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pdf_jobs")
    document = models.CharField(_("dokument"), max_length=10, choices=Document.choices)
    variant = models.CharField(_("udgave"), max_length=10, choices=Variant.choices)
    content_hash = models.CharField(_("indholdets kontrolsum"), max_length=64)
    # The exact HTML that was asked for, kept until the file exists, so that a rerun after a
    # crash renders the same thing even if the meeting has been edited in between.
    html = models.TextField(_("HTML"), blank=True)
    # The agenda package's attachments as they were when the job was asked for: which stored
    # file goes where, with each file's identity (see pdf/package.py). Part of the content
    # hash, so a changed attachment makes a new job; empty for every other document.
    attachments = models.JSONField(_("bilag"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("fremdrift"), default=0)
    error = models.TextField(_("fejl"), blank=True)
    # Relative to MEDIA_ROOT; served only through the checked download view.
    file_path = models.CharField(_("fil"), max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("størrelse"), default=0)
    page_count = models.PositiveIntegerField(_("sider"), default=0)
    attempts = models.PositiveIntegerField(_("forsøg"), default=0)
    # Runs lost with their worker (killed mid-render): the first is run again, the second fails.
    lost_runs = models.PositiveSmallIntegerField(_("tabte kørsler"), default=0)
    render_seconds = models.FloatField(_("renderingstid"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bestilt af"),
    )
    task_id = models.CharField(max_length=64, blank=True)
    # Set when the job was handed to the broker; None means it still has to be sent.
    dispatched_at = models.DateTimeField(_("sendt til køen"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("PDF-job")
        verbose_name_plural = _("PDF-job")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "document", "variant", "content_hash"],
                name="pdfjob_unique_rendering",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="pdfjob_progress"),
        ]
        indexes = [models.Index(fields=["status", "dispatched_at"], name="pdfjob_pending")]

    def __str__(self) -> str:
        return f"{self.get_document_display()} ({self.get_variant_display()}) – {self.meeting}"

    def get_status_url(self) -> str:
        return reverse("api-pdf-job", args=[self.pk])

    def get_download_url(self) -> str:
        return reverse("api-pdf-job-download", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
