"""The "Importér referater" upload: files are stored, a job row is made, and the import runs
in a Celery worker (small uploads at once, in the request), reporting per file as it goes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from exchange.legacy import MAX_FILE_BYTES
from exchange.service import PARALLEL_FROM_FILES, FileReport, import_files
from meetings.access import bodies_user_may_import, user_may_import
from meetings.errors import InvalidInput
from meetings.models import ImportJob

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

ALLOWED_SUFFIXES = {".txt", ".pdf", ".json"}
MAX_FILES = 500
# Uploads up to this size are imported within the request; larger ones go to a worker.
INLINE_LIMIT_BYTES = 512 * 1024
INLINE_LIMIT_FILES = 3


def validate_uploads(uploads: list[UploadedFile]) -> list[str]:
    """Danish messages for every upload that cannot be taken; empty when all are fine."""
    errors = []
    if not uploads:
        errors.append("Vælg mindst én fil.")
    if len(uploads) > MAX_FILES:
        errors.append(f"Højst {MAX_FILES} filer ad gangen.")
    for upload in uploads:
        name = upload.name or ""
        if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
            errors.append(f"{name}: kun .txt-, .pdf- og .json-filer kan importeres.")
        elif (upload.size or 0) > MAX_FILE_BYTES:
            errors.append(f"{name}: filen er større end {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    return errors


@transaction.atomic
def import_job_create(*, actor: User, uploads: list[UploadedFile]) -> ImportJob:
    """Store the uploaded files and make a queued job. Only secretaries and superusers may.

    Raises PermissionDenied or DomainError (Danish). The job is started after commit: at once
    in this process when the upload is small, otherwise by a worker.
    """
    if not user_may_import(actor):
        raise PermissionDenied("Kun sekretærer kan importere referater.")
    errors = validate_uploads(uploads)
    if errors:
        raise InvalidInput(" ".join(errors))
    job = ImportJob.objects.create(created_by=actor, total=len(uploads))
    stored = []
    for index, upload in enumerate(uploads, start=1):
        name = get_valid_filename(Path(upload.name or f"fil{index}").name)
        path = default_storage.save(f"imports/{job.pk}/{index:04d}-{name}", upload)
        stored.append({"name": upload.name, "path": path})
    job.files = stored
    job.save(update_fields=["files"])
    total_size = sum(u.size or 0 for u in uploads)
    if total_size <= INLINE_LIMIT_BYTES and len(uploads) <= INLINE_LIMIT_FILES:
        transaction.on_commit(lambda: import_job_run(job_id=job.pk))
    else:
        transaction.on_commit(lambda: import_job_enqueue(job_id=job.pk))
    return job


def import_job_enqueue(*, job_id: int) -> bool:
    """Hand the job to a worker. If the queue is unreachable the job stays queued, with a
    Danish note the page shows, and can be started again; nothing uploaded is lost."""
    from exchange.tasks import run_import_job

    try:
        run_import_job.delay(job_id)
    except Exception as exc:  # kombu raises various errors when the broker is down
        logger.warning("could not enqueue import job %s: %s", job_id, exc)
        ImportJob.objects.filter(pk=job_id).update(
            error="Baggrundskøen kan ikke nås lige nu. Filerne er gemt; "
            "tryk “Start igen”, når den er tilbage."
        )
        return False
    ImportJob.objects.filter(pk=job_id).update(error="")
    return True


def import_job_run(*, job_id: int) -> None:
    """Import the job's files, recording each file's report as it is finished.

    The files go through import_files, as the command's do: written in batches, with the
    parsing and the writing side by side for many files. Safe to run twice (a worker crash,
    a redelivered task): files already reported are skipped, and importing a file again
    updates rather than duplicates.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in {ImportJob.Status.DONE, ImportJob.Status.FAILED}:
            return
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status"])
    allowed = bodies_user_may_import(job.created_by)
    reports = list(job.reports)

    def files() -> Iterator[tuple[str, bytes]]:
        for entry in job.files[len(reports) :]:
            with default_storage.open(entry["path"], "rb") as handle:
                yield entry["name"], handle.read()

    def progress(_n: int, report: FileReport) -> None:
        reports.append(report.as_dict())
        ImportJob.objects.filter(pk=job_id).update(reports=reports, processed=len(reports))

    try:
        import_files(
            files(),
            allowed_bodies=allowed,
            progress=progress,
            parallel=len(job.files) - len(reports) >= PARALLEL_FROM_FILES,
            # The history of every row the import writes names the user who uploaded it.
            history={"user": job.created_by_id, "service": "import_job_run", "job": job_id},
        )
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, error=f"Importen stoppede: {exc.__class__.__name__}"
        )
        raise
    for entry in job.files:
        default_storage.delete(entry["path"])
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now()
    )
