"""Blocks to the HTML the section editors store, and back (exchange/parser/_html.py)."""

from __future__ import annotations

import pytest

from exchange.parser import Heading, ListBlock, Paragraph, Table, blocks_to_html, html_to_blocks
from tests.exchange.parser.samples import SAMPLES, parsed


class TestTheHtml:
    def test_it_renders_blocks_as_escaped_html(self) -> None:
        blocks = [
            Heading("Økonomi & drift"),
            Paragraph('Beløb < 5 mio. kr. og "særskilt" sag'),
            ListBlock(True, ["at A", "at B"]),
            ListBlock(False, ["x"]),
            Table([["", "2018"], ["I alt", "<i>1.000</i>"]], header_rows=1),
        ]
        assert blocks_to_html(blocks) == (
            "<h3>Økonomi &amp; drift</h3>\n"
            "<p>Beløb &lt; 5 mio. kr. og &quot;særskilt&quot; sag</p>\n"
            "<ol><li>at A</li><li>at B</li></ol>\n"
            "<ul><li>x</li></ul>\n"
            "<table><thead><tr><th></th><th>2018</th></tr></thead>"
            "<tbody><tr><td>I alt</td><td>&lt;i&gt;1.000&lt;/i&gt;</td></tr></tbody></table>"
        )

    @pytest.mark.parametrize("name", SAMPLES)
    def test_every_section_of_the_samples_survives_a_round_trip(self, name: str) -> None:
        for it in parsed(name).items:
            sections = [it.background, it.presentation, it.economy]
            sections += [d.blocks for d in [it.decision] if d]
            sections += [r.blocks for r in [it.recommendation] if r]
            for blocks in sections:
                assert html_to_blocks(blocks_to_html(blocks)) == blocks

    def test_it_reads_html_written_by_an_editor(self) -> None:
        html = (
            "Løs tekst <h2>Status</h2><p>Første <strong>vigtige</strong>&nbsp;afsnit<br>fortsat</p>"
            "<ul><li>a<ul><li>a1</li></ul></li><li>b</li></ul>"
            "<table><tr><th>Tekst</th><th>Beløb</th></tr><tr><td>Fiber</td><td>6.000</td></tr>"
            "</table><div>Sidste</div>"
        )
        assert html_to_blocks(html) == [
            Paragraph("Løs tekst"),
            Heading("Status"),
            Paragraph("Første vigtige afsnit fortsat"),
            ListBlock(False, ["a", "a1", "b"]),
            Table([["Tekst", "Beløb"], ["Fiber", "6.000"]], header_rows=1),
            Paragraph("Sidste"),
        ]
