"""What WeasyPrint may fetch: our static files and data: URLs, nothing else."""

from __future__ import annotations

import base64
import io

import pikepdf
import pytest
from weasyprint.urls import URLFetchingError

from common.pdf_fetch import BASE_URL, RefusedURL, StaticOnlyURLFetcher
from meetings.models import AgendaItem, Meeting
from pdf.content import rich_text
from pdf.render import render_pdf
from tests.pdf.conftest import RenderFor
from tests.pdf.pdfread import ReadPdf

# A 1×1 red PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
        "53de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"
    )
).decode()


def _images(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return sum(
            1
            for page in doc.pages
            for xobject in page.Resources.get("/XObject", {}).values()
            if xobject.get("/Subtype") == "/Image"
        )


def _page(body: str) -> str:
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Prøve</title>'
        f'<link rel="stylesheet" href="/static/pdf/minutes.css"></head><body>{body}</body></html>'
    )


class TestUrlFetcher:
    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "FILE:///etc/passwd",
            "http://127.0.0.1:6379/",
            "https://example.org/logo.png",
            f"{BASE_URL}static/../../../../etc/passwd",
            f"{BASE_URL}static/%2e%2e/%2e%2e/settings.py",
            f"{BASE_URL}media/attachments/1/1/secret.pdf",
            f"{BASE_URL}static/pdf/minutes.css?x=1",
            "ftp://example.org/x",
            "referat.invalid/static/pdf/minutes.css",
        ],
    )
    def test_it_refuses_everything_but_static_files_and_data(self, url: str) -> None:
        with pytest.raises((RefusedURL, ValueError)):
            StaticOnlyURLFetcher().fetch(url)

    def test_it_serves_our_stylesheet_from_the_static_files(self) -> None:
        response = StaticOnlyURLFetcher().fetch(f"{BASE_URL}static/pdf/minutes.css")
        assert b"target-counter" in response.read()
        assert response.content_type == "text/css"

    def test_it_decodes_data_urls(self) -> None:
        response = StaticOnlyURLFetcher().fetch(f"data:image/png;base64,{PNG}")
        assert response.read().startswith(b"\x89PNG")

    def test_a_refused_url_is_a_fetching_error_for_weasyprint_not_a_crash(self) -> None:
        from weasyprint.urls import fetch

        with pytest.raises(URLFetchingError), fetch(StaticOnlyURLFetcher(), "file:///etc/passwd"):
            pass


class TestRenderingUntrustedHtml:
    def test_a_file_url_image_is_not_embedded_but_a_data_url_image_is(self) -> None:
        refused = render_pdf(_page('<p>Før</p><img src="file:///etc/passwd"><p>Efter</p>'))
        assert _images(refused.pdf) == 0
        assert refused.refused_urls == ["file:///etc/passwd"]
        assert "root:" not in ReadPdf(refused.pdf).text
        assert "Efter" in ReadPdf(refused.pdf).text
        allowed = render_pdf(_page(f'<img alt="Rød" src="data:image/png;base64,{PNG}">'))
        assert _images(allowed.pdf) == 1

    def test_css_cannot_pull_in_local_files_either(self) -> None:
        result = render_pdf(
            _page(
                "<style>@import url('file:///etc/passwd');"
                "body { background: url('file:///usr/share/pixmaps/debian-logo.png'); }"
                "@font-face { font-family: X; src: url('file:///etc/shadow'); }</style><p>Tekst</p>"
            )
        )
        assert _images(result.pdf) == 0
        assert set(result.refused_urls) >= {"file:///etc/passwd", "file:///etc/shadow"}


@pytest.mark.django_db
class TestRichTextInTheMinutes:
    def test_an_image_smuggled_into_a_section_never_reaches_the_pdf(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        # Written past the services, as a compromised import or a bad migration might.
        AgendaItem.objects.filter(meeting=sample_minutes, number=1).update(
            background='<p>Se billedet</p><img src="file:///etc/passwd">'
            '<script>alert(1)</script><a href="javascript:alert(1)">link</a>'
        )
        pdf = render_for(sample_minutes, "internal")
        assert _images(pdf.data) == 0
        assert "Se billedet" in pdf.text
        assert "root:" not in pdf.text
        assert "alert" not in pdf.text
        with pikepdf.open(io.BytesIO(pdf.data)) as doc:
            for page in doc.pages:
                for annot in page.get("/Annots", []):
                    action = annot.get("/A")
                    uri = str(action.get("/URI", "")) if action is not None else ""
                    assert not uri.startswith(("javascript:", "file:"))

    def test_numeric_cells_are_marked_for_right_alignment(self) -> None:
        html = rich_text(
            "<table><tr><td>Headsets</td><td>2.000</td><td>-606</td><td>0,460</td>"
            "<td>1.2</td><td>?</td><td>2018 og 2019</td></tr></table>"
        )
        assert '<td class="num">2.000</td>' in html
        assert '<td class="num">-606</td>' in html
        assert '<td class="num">0,460</td>' in html
        assert '<td class="num">?</td>' in html
        assert "<td>Headsets</td>" in html
        assert "<td>1.2</td>" in html
        assert "<td>2018 og 2019</td>" in html
