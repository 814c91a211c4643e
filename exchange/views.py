"""The secretary's "Importér referater" page and the progress of an import job."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from exchange.jobs import import_job_create, import_job_enqueue
from meetings.access import user_may_import
from meetings.errors import DomainError
from meetings.models import ImportJob


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: object, initial: object = None) -> list[object]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ImportForm(forms.Form):
    uploads = MultipleFileField(
        label=_("Filer med referater"),
        help_text=_(
            "Referater og dagsordener fra FirstAgenda, Acadre, eDoc eller SBSYS (PDF, XML, "
            "HTML, tekst) eller udvekslingsformatet (.json). Flere ad gangen."
        ),
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": ".txt,.pdf,.json,.xml,.html,.htm"}
        ),
        required=False,
    )


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    jobs = ImportJob.objects.all()
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user.pk)
    return get_object_or_404(jobs, pk=pk)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated or not user_may_import(user):
        raise PermissionDenied(_("Kun sekretærer kan importere referater."))
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        uploads = request.FILES.getlist("uploads")
        try:
            job = import_job_create(actor=user, uploads=uploads)
        except DomainError as exc:
            form.add_error("uploads", str(exc))
        else:
            return redirect("exchange:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(created_by=user)[:10]
    return render(request, "importer/import_page.html", {"form": form, "recent": recent})


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    template = "importer/_job_status.html" if request.htmx else "importer/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@login_required
@require_POST
def import_job_restart(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if job.status == ImportJob.Status.QUEUED and import_job_enqueue(job_id=job.pk):
        messages.success(request, _("Importen er sat i gang igen."))
    return redirect("exchange:import_job", pk=job.pk)
