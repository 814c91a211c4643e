"""The steps of normalise_pdf_text: page noise dropped from a PDF library's text, paragraphs
rebuilt from printed lines (see _reflow), and what a page or line break cut joined again (a
table's repeated header row, a sentence, a hyphenated word)."""

from __future__ import annotations

import re

from exchange.parser import _patterns
from exchange.parser._blocks import _continues
from exchange.parser._pages import _is_structural, _noise_line_indexes
from exchange.parser._text import _is_blank, _is_item_heading, _section_word, _squash

# Assigned rather than imported by name, for speed: see _patterns.
_BULLET_RE = _patterns._BULLET_RE
_CASE_LIKE_RE = _patterns._CASE_LIKE_RE
_CASE_RE = _patterns._CASE_RE
_FIELD_RES = _patterns._FIELD_RES
_ITEM_RE = _patterns._ITEM_RE
_ORDERED_RE = _patterns._ORDERED_RE
_TERMINAL = _patterns._TERMINAL
_TOC_TITLE_RE = _patterns._TOC_TITLE_RE


def _without_noise(lines: list[str]) -> list[str]:
    """The lines but page numbers, running headers and footers, with one blank line where
    there were several."""
    noise = _noise_line_indexes(lines)
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index in noise:
            continue
        if _is_blank(line):
            if kept and kept[-1] != "":
                kept.append("")
            continue
        kept.append(line)
    return kept


def _vocabulary(text: str) -> set[str]:
    """The words of ``text``, case-folded; a hyphenated compound is one word."""
    return set(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text.casefold()))


def _rejoined(lines: list[str], vocabulary: set[str]) -> str:
    """The text of ``lines`` with what a page or line break cut joined again: a table whose
    header row is repeated after a page break, a sentence split by a page break, a word
    hyphenated at a line break (see _join_hyphenated)."""
    out: list[str] = []
    table_head = ""
    for line in lines:
        if "\t" in line:
            after_gap = len(out) >= 2 and out[-1] == "" and "\t" in out[-2]
            if after_gap and line == table_head:
                # The header row repeated at the top of the next page: one table, one header.
                out.pop()
                continue
            if not after_gap and not (out and "\t" in out[-1]):
                table_head = line
            out.append(line)
            continue
        if line and out and _joinable_before(out[-1]) and _hyphenated(out[-1], line):
            out[-1] = _join_hyphenated(out[-1], line, vocabulary)
            continue
        if (
            line
            and len(out) >= 2
            and out[-1] == ""
            and _joinable_before(out[-2])
            and _joinable_after(line)
        ):
            previous = out[-2]
            if _hyphenated(previous, line):
                out.pop()
                out[-1] = _join_hyphenated(previous, line, vocabulary)
                continue
            if _continues(previous.strip(), line.strip()):
                out.pop()
                out[-1] = f"{previous} {line.strip()}"
                continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


_REFLOW_MAX_BLANK_RATIO = 0.3
_REFLOW_FIT_AFTER_SENTENCE = 1.0
_REFLOW_FIT_MID_SENTENCE = 0.75
_REFLOW_FIT_AFTER_COLON = 0.9


def _reflow(lines: list[str], vocabulary: set[str]) -> list[str]:
    """Rebuild paragraphs from text wrapped into physical lines (pdfplumber's output).

    The samples have one paragraph per line and a blank line between paragraphs; a PDF library
    gives the printed lines with no blank lines at all. Text with hardly any blank lines is
    rewrapped: a line ends its paragraph when the next line's first word would have fitted on
    it (so the author broke the line), or when the next line starts a heading, a list item or
    a case number. Text that already has its blank lines is returned as it is.
    """
    written = [line.strip() for line in lines if line.strip()]
    prose = [len(t) for t in written if not _is_structural(t)]
    blanks = len(lines) - len(written)
    if len(prose) < 10 or blanks > _REFLOW_MAX_BLANK_RATIO * len(written):
        return lines
    width = sorted(prose)[int(0.95 * (len(prose) - 1))]
    out: list[str] = []
    previous = ""

    def following(index: int) -> str:
        return lines[index + 1].strip() if index + 1 < len(lines) else ""

    for index, line in enumerate(lines):
        text = line.strip()
        if not text or "\t" in line:
            out.append(line if text else "")
            previous = ""
            continue
        if not previous:
            out.append(text)
        elif _hyphenated(previous, text) and not _starts_block(text):
            # Checked before the width: "udvik-" is short only because the word was split.
            out[-1] = _join_hyphenated(out[-1], text, vocabulary)
        elif _ends_paragraph(previous, text, following(index), width, out[-1] == previous):
            out.extend(["", text])
        else:
            out[-1] = f"{out[-1]} {text}"
        previous = text
    return out


def _is_one_line_heading(text: str) -> bool:
    """Lines that never wrap: section words, case numbers, decision headings."""
    return bool(
        _section_word(text)
        or _CASE_LIKE_RE.match(text)
        or _TOC_TITLE_RE.match(text)
        or re.match(r"^beslutning\b(?:.*\b(?:den|d\.)\s*\d.*|\s*:?)$", text, re.IGNORECASE)
    )


def _starts_block(text: str) -> bool:
    return bool(
        _is_one_line_heading(text)
        or _is_item_heading(text)
        or _ORDERED_RE.match(text)
        or _BULLET_RE.match(text)
        or any(pattern.match(text) for _, pattern in _FIELD_RES)
        # Numbered attachments ("Bilag 2 - Central netværksenhed") are one to a line.
        or re.match(r"^bilag\s+\d+\b", text, re.IGNORECASE)
    )


def _ends_paragraph(
    previous: str, text: str, after: str, width: int, previous_stands_alone: bool
) -> bool:
    """Whether the line break between ``previous`` and ``text`` is the author's.

    ``previous_stands_alone`` says that ``previous`` began its paragraph, so that a line
    without closing punctuation there is a heading candidate.
    """
    if _is_item_heading(previous):
        # A long item title wraps; it ends at the case number or the first section.
        return _starts_block(text)
    if _starts_block(text) or _is_one_line_heading(previous) or text.startswith("At "):
        return True
    # How full the line would have been with the next word on it. Character counts only
    # approximate a proportional font, so the thresholds leave room either way.
    fit = (len(previous) + 1 + len(text.split()[0])) / width
    starts_sentence = text[:1].isupper() or text[:1].isdigit()
    if previous.endswith((".", "!", "?")) and starts_sentence:
        # After a finished sentence a short unpunctuated line is a heading, whatever fits.
        heading = len(text) <= _REFLOW_FIT_MID_SENTENCE * width and not text.endswith(_TERMINAL)
        return fit < _REFLOW_FIT_AFTER_SENTENCE or (heading and after[:1].isupper())
    if previous.endswith(":") and starts_sentence:
        # "… omfatter:" introduces the next paragraph unless the line was nearly full.
        return fit < _REFLOW_FIT_AFTER_COLON
    if previous_stands_alone and not previous.endswith(_TERMINAL) and text[:1].isupper():
        # A line of its own without punctuation that the next word would have fitted on.
        return fit < _REFLOW_FIT_AFTER_SENTENCE
    # Mid-sentence only a clearly short line ends a paragraph: a heading, "at …" clauses.
    return fit <= _REFLOW_FIT_MID_SENTENCE


def _joinable_before(line: str) -> bool:
    """Text a page break may have cut: not a heading, a table row or a case number."""
    text = _squash(line)
    return (
        bool(text)
        and "\t" not in line
        and not (
            _section_word(text)
            or _ITEM_RE.match(text)
            or text.casefold().startswith("beslutning")
            or _CASE_RE.match(text)
        )
    )


def _joinable_after(line: str) -> bool:
    text = line.strip()
    return _joinable_before(line) and not (_BULLET_RE.match(text) or _ORDERED_RE.match(text))


def _hyphenated(previous: str, line: str) -> bool:
    # "Høje-" / "Taastrup" is a compound with a proper noun: joined, the hyphen kept.
    return bool(re.search(r"[^\W\d_]-$", previous)) and bool(re.match(r"\s*[^\W\d_]", line))


def _join_hyphenated(previous: str, line: str, vocabulary: set[str]) -> str:
    line = line.lstrip()
    head_match = re.search(r"([^\W\d_]+)-$", previous)
    tail_match = re.match(r"[^\W\d_]+", line)
    head = head_match[1] if head_match else ""
    tail = tail_match[0] if tail_match else ""
    if tail.casefold() in ("og", "eller", "samt", "til", "som"):
        return f"{previous} {line}"
    joined = (head + tail).casefold()
    if f"{head}-{tail}".casefold() not in vocabulary and any(
        # The word elsewhere, maybe with an inflection ("udvikling" beside "udviklingen").
        word.startswith(joined) and len(word) - len(joined) <= 4
        for word in vocabulary
    ):
        return previous[:-1] + line
    return previous + line
