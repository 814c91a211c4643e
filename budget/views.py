"""Pages of the budget app: an item's budget tables and allocations, pools, "Status på puljer"
and its PDF. Thin: parse, call a service, render (a fragment for htmx)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budget.editor import EditorState, apply_action, fresh_editor_state, grid_from_post
from budget.models import (
    Allocation,
    BudgetRow,
    BudgetTable,
    Pool,
    PoolStatusReport,
    Unit,
    allocation_is_approved,
)
from budget.numbers import NumberError, format_amount, parse_danish_number
from budget.pools import (
    body_pool_statuses,
    pool_status,
    pool_timeline_table,
    pools_summary_table,
    visible_item_ids,
)
from budget.services import (
    VersionConflict,
    allocation_create,
    allocation_delete,
    budget_locked,
    budget_table_create,
    budget_table_delete,
    budget_table_move,
    budget_table_save,
    pool_create,
    pool_report_dispatch,
    pool_report_request,
    pool_report_waits_for_broker,
)
from budget.tables import (
    GridError,
    compute_table,
    grid_from_table_data,
    table_data_from_model,
)
from common.http import no_store
from meetings.access import bodies_with_access, get_item_for_user, may_edit_body
from meetings.errors import DomainError, NotAllowed
from meetings.models import AgendaItem, Body

Kind = BudgetRow.Kind


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _redirect(request: HttpRequest, url: str) -> HttpResponseBase:
    """A redirect that htmx follows with a full page load."""
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _item_to_edit(request: HttpRequest, pk: int) -> AgendaItem:
    """The item if the user may see it (else 404) and edit its budget (else 403)."""
    return get_item_for_user(
        request.user,
        pk,
        for_edit=True,
        message=_("Kun organets sekretær kan ændre punktets økonomi."),
    )


def _tables_of(item: AgendaItem) -> list[BudgetTable]:
    return list(item.budget_tables.prefetch_related("columns", "rows__cells"))


def _editor_context(item: AgendaItem, request: HttpRequest) -> dict[str, Any]:
    return {
        "item": item,
        "kinds": Kind.choices,
        "units": Unit.choices,
        "sections": BudgetTable.Section.choices,
    }


@login_required
@no_store
def item_budget(request: HttpRequest, pk: int) -> HttpResponse:
    """The item's budget tables (an editor for its secretary) and its allocations."""
    item = get_item_for_user(request.user, pk)
    return _render_item_budget(request, item)


def _render_item_budget(
    request: HttpRequest,
    item: AgendaItem,
    *,
    replace: EditorState | None = None,
    allocation_form: dict[str, str] | None = None,
    allocation_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    editable = may_edit_body(request.user, item.meeting.body_id) and not budget_locked(item)
    tables = _tables_of(item)
    editors, views = [], []
    for table in tables:
        if editable:
            if replace is not None and replace.table.pk == table.pk:
                editors.append(replace)
            else:
                grid = grid_from_table_data(table_data_from_model(table))
                editors.append(EditorState(table=table, grid=grid, version=table.version).build())
        else:
            views.append(compute_table(table))
    allocations = list(
        Allocation.objects.filter(item=item)
        .select_related("pool", "item__meeting", "item__decision")
        .order_by("pool__name", "pool__year", "pk")
    )
    pools = list(Pool.objects.filter(body=item.meeting.body_id).order_by("name", "year"))
    context = _editor_context(item, request) | {
        "editable": editable,
        "may_edit": may_edit_body(request.user, item.meeting.body_id),
        "locked": budget_locked(item),
        "editors": editors,
        "views": views,
        "allocations": [(a, allocation_is_approved(a)) for a in allocations],
        "pools": pools,
        "allocation_form": allocation_form or {},
        "allocation_errors": allocation_errors or [],
        "show_flags": may_edit_body(request.user, item.meeting.body_id),
    }
    return render(request, "budget/item_budget.html", context, status=status)


@login_required
@no_store
@require_POST
def table_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = _item_to_edit(request, pk)
    section = request.POST.get("section", "")
    if section not in BudgetTable.Section.values:
        section = BudgetTable.Section.ECONOMY
    try:
        table = budget_table_create(item=item, actor=request.user, section=section)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("budget:item_budget", pk=item.pk)
    return redirect(reverse("budget:item_budget", args=[item.pk]) + f"#tabel-{table.pk}")


@login_required
@no_store
@require_POST
def table_edit(request: HttpRequest, pk: int, table_pk: int) -> HttpResponseBase:
    """Every move of the editor: apply it to the posted grid, then save if it parses."""
    item = _item_to_edit(request, pk)
    table = get_object_or_404(BudgetTable.objects.filter(item=item), pk=table_pk)
    version_raw = request.POST.get("version", "")
    version = int(version_raw) if version_raw.isdecimal() else 0
    action = request.POST.get("action", "save")
    result = apply_action(
        grid_from_post(request.POST),
        action,
        paste=request.POST.get("paste", ""),
        new_kind=request.POST.get("new-kind", ""),
    )
    state = EditorState(
        table=table,
        grid=result.grid,
        version=version,
        errors=result.errors,
        message=result.message,
        paste=result.paste,
    )
    if not result.errors and not result.message:
        try:
            budget_table_save(table=table, actor=request.user, grid=result.grid, version=version)
        except GridError as exc:
            state.errors = exc.errors
        except VersionConflict as exc:
            state.conflict = compute_table(
                BudgetTable.objects.prefetch_related("columns", "rows__cells").get(pk=table.pk)
            )
            state.version = exc.current_version
            state.message = str(exc)
        except DomainError as exc:
            state.message = str(exc)
        else:
            state = fresh_editor_state(table, saved=True, message=_("Gemt."))
    if state.errors and not state.message:
        state.message = _("Ikke gemt: ret de markerede felter.")
    state.build()
    if _is_htmx(request):
        return render(
            request,
            "budget/_editor.html",
            _editor_context(item, request) | {"editor": state},
        )
    if state.saved:
        return redirect(reverse("budget:item_budget", args=[item.pk]) + f"#tabel-{table.pk}")
    return _render_item_budget(request, item, replace=state, status=422)


@login_required
@no_store
@require_POST
def table_remove(request: HttpRequest, pk: int, table_pk: int) -> HttpResponseBase:
    item = _item_to_edit(request, pk)
    table = get_object_or_404(BudgetTable.objects.filter(item=item), pk=table_pk)
    try:
        budget_table_delete(table=table, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Tabellen er slettet."))
    return _redirect(request, reverse("budget:item_budget", args=[item.pk]))


@login_required
@no_store
@require_POST
def table_move(request: HttpRequest, pk: int, table_pk: int) -> HttpResponseBase:
    item = _item_to_edit(request, pk)
    table = get_object_or_404(BudgetTable.objects.filter(item=item), pk=table_pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        budget_table_move(table=table, actor=request.user, offset=offset)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("budget:item_budget", args=[item.pk]) + f"#tabel-{table.pk}")


# --- Allocations ---------------------------------------------------------------------------


def _parse_amount(raw: str) -> Decimal:
    value = parse_danish_number(raw)
    if not isinstance(value, Decimal):
        raise NumberError(_("Skriv et beløb, fx 2.812 eller 2,8."))
    return value


@login_required
@no_store
@require_POST
def allocation_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = _item_to_edit(request, pk)
    form = {
        "pool": request.POST.get("pool", ""),
        "amount": request.POST.get("amount", "")[:100],
        "permanent": "on" if request.POST.get("permanent") == "on" else "",
        "note": request.POST.get("note", "")[:500],
    }
    errors = []
    pool = None
    if form["pool"].isdecimal():
        pool = Pool.objects.filter(body=item.meeting.body_id, pk=int(form["pool"])).first()
    if pool is None:
        errors.append(_("Vælg en af organets puljer."))
    amount = None
    try:
        amount = _parse_amount(form["amount"])
    except NumberError as exc:
        errors.append(_("Beløb: %(problem)s") % {"problem": exc})
    if not errors and pool is not None and amount is not None:
        try:
            allocation_create(
                item=item,
                pool=pool,
                amount=amount,
                permanent=bool(form["permanent"]),
                note=form["note"],
                actor=request.user,
            )
        except DomainError as exc:
            errors.append(str(exc))
        else:
            messages.success(
                request,
                _("%(amount)s disponeret fra %(pool)s.")
                % {"amount": format_amount(amount, pool.unit), "pool": pool},
            )
            return redirect(reverse("budget:item_budget", args=[item.pk]) + "#disponeringer")
    return _render_item_budget(
        request, item, allocation_form=form, allocation_errors=errors, status=422
    )


@login_required
@no_store
@require_POST
def allocation_remove(request: HttpRequest, pk: int, allocation_pk: int) -> HttpResponseBase:
    item = _item_to_edit(request, pk)
    allocation = get_object_or_404(Allocation.objects.filter(item=item), pk=allocation_pk)
    try:
        allocation_delete(allocation=allocation, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Disponeringen er fjernet."))
    return redirect(reverse("budget:item_budget", args=[item.pk]) + "#disponeringer")


# --- Pools ---------------------------------------------------------------------------------


@login_required
@no_store
def pool_list(request: HttpRequest) -> HttpResponse:
    bodies = list(bodies_with_access(request.user).order_by("name"))
    groups = []
    for body in bodies:
        statuses = body_pool_statuses(body)
        groups.append(
            {
                "body": body,
                "statuses": statuses,
                "may_create": may_edit_body(request.user, body.pk),
            }
        )
    return render(
        request,
        "budget/pool_list.html",
        {
            "groups": groups,
            "units": Unit.choices,
            "secretary_bodies": [g["body"] for g in groups if g["may_create"]],
            "form": {},
            "errors": [],
        },
    )


@login_required
@no_store
@require_POST
def pool_add(request: HttpRequest) -> HttpResponseBase:
    form = {
        "body": request.POST.get("body", ""),
        "name": request.POST.get("name", "")[:300],
        "year": request.POST.get("year", "")[:10],
        "amount": request.POST.get("amount", "")[:100],
        "unit": request.POST.get("unit", Unit.KR),
    }
    errors = []
    body = bodies_with_access(request.user).filter(slug=form["body"]).first()
    if body is None:
        errors.append(_("Vælg et organ."))
    year = int(form["year"]) if form["year"].strip().isdecimal() else None
    if year is None:
        errors.append(_("År: skriv et årstal, fx 2018."))
    amount = None
    try:
        amount = _parse_amount(form["amount"])
    except NumberError as exc:
        errors.append(_("Beløb: %(problem)s") % {"problem": exc})
    if not errors and body is not None and year is not None and amount is not None:
        try:
            pool = pool_create(
                body=body,
                name=form["name"],
                year=year,
                amount=amount,
                unit=form["unit"],
                actor=request.user,
            )
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except DomainError as exc:
            errors.append(str(exc))
        else:
            messages.success(request, _("Puljen %(pool)s er oprettet.") % {"pool": pool})
            return redirect(pool.get_absolute_url())
    bodies = list(bodies_with_access(request.user).order_by("name"))
    groups = [
        {
            "body": b,
            "statuses": body_pool_statuses(b),
            "may_create": may_edit_body(request.user, b.pk),
        }
        for b in bodies
    ]
    return render(
        request,
        "budget/pool_list.html",
        {
            "groups": groups,
            "units": Unit.choices,
            "secretary_bodies": [g["body"] for g in groups if g["may_create"]],
            "form": form,
            "errors": errors,
        },
        status=422,
    )


@login_required
@no_store
def pool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pool = get_object_or_404(Pool.objects.visible_to(request.user).select_related("body"), pk=pk)
    status = pool_status(pool)
    visible = visible_item_ids(request.user, [s.allocation for s in status.steps] + status.pending)
    return render(
        request,
        "budget/pool_detail.html",
        {
            "pool": pool,
            "status": status,
            "timeline": pool_timeline_table(status, visible_ids=visible),
            "other_years": Pool.objects.filter(body=pool.body_id, name=pool.name)
            .exclude(pk=pool.pk)
            .order_by("year"),
        },
    )


def _get_body_for_pools(request: HttpRequest, slug: str) -> Body:
    body = bodies_with_access(request.user).filter(slug=slug).first()
    if body is None:
        raise Http404(_("Organet findes ikke, eller du har ikke adgang til dets puljer."))
    return body


@login_required
@no_store
def body_pool_status(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Status på puljer": every pool of the body, its balance and history."""
    body = _get_body_for_pools(request, slug)
    statuses = body_pool_statuses(body)
    allocations = [a for s in statuses for a in [x.allocation for x in s.steps] + s.pending]
    visible = visible_item_ids(request.user, allocations)
    return render(
        request,
        "budget/pool_status.html",
        {
            "body": body,
            "summary": pools_summary_table(statuses, body=body),
            "timelines": [
                (status, pool_timeline_table(status, visible_ids=visible)) for status in statuses
            ],
            "overdrawn": [s for s in statuses if s.overdrawn],
            "reports": PoolStatusReport.objects.filter(body=body)[:5],
        },
    )


@login_required
@no_store
@require_POST
def pool_report_create(request: HttpRequest, slug: str) -> HttpResponseBase:
    body = _get_body_for_pools(request, slug)
    try:
        report = pool_report_request(body=body, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect(report.get_absolute_url())


def _get_report(request: HttpRequest, pk: int) -> PoolStatusReport:
    return get_object_or_404(
        PoolStatusReport.objects.filter(body__in=bodies_with_access(request.user)).select_related(
            "body"
        ),
        pk=pk,
    )


@login_required
@no_store
def pool_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF job's page; while it runs, htmx asks for its status fragment every second."""
    report = _get_report(request, pk)
    if pool_report_waits_for_broker(report):
        # The broker was down when it was asked for: try again now that someone looks.
        pool_report_dispatch(report_id=report.pk)
        report.refresh_from_db()
    template = "budget/_report_status.html" if _is_htmx(request) else "budget/pool_report.html"
    return render(request, template, {"report": report})


@login_required
@no_store
def pool_report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = _get_report(request, pk)
    if report.status != PoolStatusReport.Status.DONE or not report.file:
        raise Http404(_("PDF'en er ikke færdig endnu."))
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"status-paa-puljer-{report.body.slug}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
