"""Fixtures of the PDF tests: the largest sample minutes as a meeting, and rendered PDFs.

Rendering is the slow part, and the HTML of a document is a pure function of its content, so
PDFs are rendered once per distinct HTML in a test session (`render_html`).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from meetings.models import Meeting
from pdf.content import build_html
from pdf.render import render_pdf
from tests.conftest import People
from tests.pdf.pdfread import ReadPdf
from tests.pdf.samples import create_meeting

# Item 8 of the largest sample (Blå Kors Pensionat) is made closed in these tests.
CLOSED_NUMBER = 8
# Text of item 8 that only the internal variant may contain, from each of its sections.
CLOSED_TEXTS = [
    "Henvendelse fra Blå Kors Pensionat",  # title
    "Fortrolig personalesag nr. 8",  # background
    "beskæftigelsesprojekt for Pensionatets beboere",  # background
    "tager stilling til Blå Kors",  # recommendation
    "Direktionen ser positivt på indsatsen",  # decision
    "Tøjhuset",  # presentation
]
CLOSED_CASE = "18/2634"

_rendered: dict[str, bytes] = {}


def render_html(html: str) -> bytes:
    key = hashlib.sha256(html.encode()).hexdigest()
    if key not in _rendered:
        _rendered[key] = render_pdf(html).pdf
    return _rendered[key]


@pytest.fixture(autouse=True)
def _pdf_media_root(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> None:
    """PDFs of a test go to its own folder, except where a worker process (which has its own
    settings) writes them."""
    if request.node.get_closest_marker("worker") is None:
        settings.MEDIA_ROOT = tmp_path / "media"
    else:
        # The test database starts its ids afresh each session; files of an earlier session
        # must not stand where this one's will be written.
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "pdf", ignore_errors=True)


@pytest.fixture
def sample_minutes(people: People) -> Meeting:
    return create_meeting(body=people.body, closed_numbers=(CLOSED_NUMBER,))


RenderFor = Callable[..., ReadPdf]


@pytest.fixture
def render_for(people: People) -> RenderFor:
    """render_for(meeting, variant, document="minutes", role="secretary") → ReadPdf."""

    def render(
        meeting: Meeting, variant: str, document: str = "minutes", role: str = "secretary"
    ) -> ReadPdf:
        user = getattr(people, role)
        html = build_html(meeting=meeting, document=document, variant=variant, user=user)
        return ReadPdf(render_html(html))

    return render
