"""Budget tables and "Status på puljer" in print: real WeasyPrint PDFs read back, and the
PDF job run by a real Celery worker."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import subprocess
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import pdfplumber
import pytest
from django.utils import timezone

from budget.legacy import budget_table_from_rows, join_continued_tables
from budget.models import PoolStatusReport, Unit
from budget.pdf import html_to_pdf, tables_html
from budget.services import pool_report_render
from budget.tables import compute, table_data_from_grid
from meetings.models import Meeting
from tests.budget.factories import AllocationFactory, PoolFactory
from tests.budget.sample_tables import TABEL_1_PAGE_1, TABEL_1_PAGE_2, rows
from tests.conftest import People
from tests.factories import AgendaItemFactory, DecisionFactory, MeetingFactory

SECRET = "Fortrolig omplacering af medarbejdere"


def tabel_1():
    (joined,) = join_continued_tables([rows(TABEL_1_PAGE_1), rows(TABEL_1_PAGE_2)])
    legacy = budget_table_from_rows(
        joined, caption="Tabel 1: Overføres til ØDC i 2018", unit=Unit.THOUSANDS
    )
    return compute(table_data_from_grid(legacy.grid))


def pdf_words(pdf: bytes) -> list[dict]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            word
            for page in document.pages
            for word in page.extract_words(extra_attrs=["fontname"], keep_blank_chars=False)
        ]


def pdf_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


class TestABudgetTableInPrint:
    def test_numbers_are_right_aligned_and_the_total_bold(self) -> None:
        pdf = html_to_pdf(tables_html([tabel_1()], title="Punkt 5"))
        assert pdf.startswith(b"%PDF")
        words = pdf_words(pdf)
        amounts = ["-250", "507", "85", "130", "270", "30", "66", "74", "1.100", "800", "2.812"]
        found = {w["text"]: w for w in words if w["text"] in amounts}
        assert set(found) == set(amounts)
        right_edges = {round(w["x1"], 0) for w in found.values()}
        assert max(right_edges) - min(right_edges) <= 1, right_edges
        assert "Bold" in found["2.812"]["fontname"]
        assert "Bold" not in found["507"]["fontname"]
        # The text column is left-aligned: the lines start at one edge.
        starts = {
            round(w["x0"]) for w in words if w["text"] in {"Opgradering", "Calibra-opsætning"}
        }
        assert len(starts) == 1

    def test_the_caption_unit_and_unknown_amount_are_printed(self) -> None:
        text = pdf_text(html_to_pdf(tables_html([tabel_1()], title="Punkt 5")))
        assert "Tabel 1: Overføres til ØDC i 2018 (1.000 kr.)" in text
        assert "Transition til ny it-driftsleverandør ?" in text
        assert "I alt ? + 2.812" in text


class _Listener(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A tiny HTTP server on localhost: (its URL, the paths it was asked for)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", server.paths
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.django_db
class TestNothingIsFetched:
    def test_a_pool_name_or_note_with_an_image_on_localhost_makes_no_request(
        self, people: People, listener: tuple[str, list[str]], settings, tmp_path
    ) -> None:
        settings.MEDIA_ROOT = tmp_path
        url, asked = listener
        meeting = MeetingFactory(
            body=people.body,
            status=Meeting.Status.PUBLISHED,
            starts_at=timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30)),
        )
        name = f'<img src="{url}/pool">pulje'
        pool = PoolFactory(body=people.body, name=name, amount=Decimal("2206"))
        item = AgendaItemFactory(meeting=meeting, number=5, title=f'<img src="{url}/title">')
        DecisionFactory(item=item)
        AllocationFactory(pool=pool, item=item, amount=Decimal("12"), note=f'<img src="{url}/n">')
        report = PoolStatusReport.objects.create(body=people.body, content_key="x")
        pool_report_render(report_id=report.pk)
        report.refresh_from_db()
        assert report.status == PoolStatusReport.Status.DONE, report.error
        assert name in pdf_text(report.file.read())  # printed as text, not an image
        assert asked == []

    def test_html_that_names_local_urls_directly_makes_no_request(
        self, listener: tuple[str, list[str]]
    ) -> None:
        url, asked = listener
        html = (
            f'<link rel="stylesheet" href="{url}/css"><p>Pulje</p><img src="{url}/img">'
            f'<p style="background: url({url}/bg)">x</p><img src="file:///etc/passwd">'
        )
        assert pdf_text(html_to_pdf(html)).startswith("Pulje")
        assert asked == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
class TestStatusPaaPuljerPdf:
    def _minutes(self, people: People) -> None:
        meeting = MeetingFactory(
            body=people.body,
            status=Meeting.Status.PUBLISHED,
            starts_at=timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30)),
        )
        pool = PoolFactory(body=people.body, name="it-promillepulje", amount=Decimal("2206"))
        open_item = AgendaItemFactory(
            meeting=meeting, number=5, title="Status på it-strategiske initiativer"
        )
        DecisionFactory(item=open_item)
        AllocationFactory(pool=pool, item=open_item, amount=Decimal("2812"))
        closed = AgendaItemFactory(meeting=meeting, number=6, title=SECRET, closed=True)
        AllocationFactory(pool=pool, item=closed, amount=Decimal("100"))
        PoolFactory(body=people.body, name="anlægspulje", amount=Decimal("15000"))

    def _wait(self, report_id: int) -> PoolStatusReport:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            report = PoolStatusReport.objects.get(pk=report_id)
            if report.status in {PoolStatusReport.Status.DONE, PoolStatusReport.Status.FAILED}:
                return report
            time.sleep(0.2)
        raise AssertionError("The PDF job did not finish")

    def test_the_worker_renders_the_pools_of_the_body(
        self, people: People, celery_worker_process: subprocess.Popen[bytes]
    ) -> None:
        self._minutes(people)
        client = people.client_for("director")
        response = client.post("/pools/status/direktionen/pdf/")
        assert response.status_code == 302
        report = PoolStatusReport.objects.get()
        assert response["Location"] == f"/pools/reports/{report.pk}/"
        report = self._wait(report.pk)
        assert report.status == PoolStatusReport.Status.DONE, report.error

        page = client.get(f"/pools/reports/{report.pk}/").content.decode()
        assert "PDF&#x27;en er klar." in page or "PDF'en er klar." in page
        download = client.get(f"/pools/reports/{report.pk}/download/")
        assert download["Content-Type"] == "application/pdf"
        pdf = b"".join(download.streaming_content)
        text = pdf_text(pdf)
        assert "Status på puljer – Direktionen" in text
        assert "Overtrukne puljer: it-promillepulje 2018" in text
        assert "it-promillepulje 2018 (1.000 kr.)" in text
        assert "anlægspulje 2018 (1.000 kr.)" in text
        assert "23-04-2018 · Direktionen · Punkt 5: Status på it-strategiske" in text
        assert "-2.812 -606" in text
        assert "Restbudget (- = overtræk) Overtrukket -706" in text
        # A PDF travels further than the page: a closed item is "Lukket" in print.
        assert "Punkt 6: Lukket" in text
        assert SECRET not in text

        # Unchanged pools: asking again gives the same PDF, no new job.
        again = client.post("/pools/status/direktionen/pdf/")
        assert again["Location"] == f"/pools/reports/{report.pk}/"
        assert PoolStatusReport.objects.count() == 1

    def test_others_cannot_ask_for_or_fetch_the_pdf(
        self, people: People, celery_worker_process: subprocess.Popen[bytes]
    ) -> None:
        self._minutes(people)
        report = PoolStatusReport.objects.create(body=people.body, content_key="x")
        for role in ("staff", "outsider"):
            client = people.client_for(role)
            assert client.post("/pools/status/direktionen/pdf/").status_code == 404
            assert client.get(f"/pools/reports/{report.pk}/").status_code == 404
            assert client.get(f"/pools/reports/{report.pk}/download/").status_code == 404
