"""Field agreement of the import adapters with our own reading of real documents.

For each document of ../shared/other-minutes (read where it lies, never copied) the adapters'
result is compared, field by field, with a reference we made by reading the document
(bench/references/import_agreement.json): the header (body, date, time, location) and per
item its title, case number, closed, whether it has a decision and the decision's first
words, and the number of attachments. Agreement is the share of fields that agree; an item
the import missed counts all its fields as disagreeing. Nothing is written to the database.

Run alone: `.venv/bin/python -m bench import_agreement`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

REFERENCES = Path(__file__).resolve().parent / "references" / "import_agreement.json"
ITEM_FIELDS = ("title", "case_number", "closed", "decision", "decision_first_words", "attachments")


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def extracted(name: str, content: bytes) -> tuple[str, dict[str, Any]]:
    """(the adapter's label, the document's fields as the agreement compares them)."""
    import datetime as dt

    from django.utils import timezone

    from exchange.adapters._common import html_text
    from exchange.legacy import read_minutes_file

    read = read_minutes_file(name, content)
    meeting = read.meetings[0]
    starts = timezone.localtime(dt.datetime.fromisoformat(meeting["starts_at"]))
    items = []
    for item in meeting["items"]:
        decision = item.get("decision") or {}
        text = html_text(decision.get("text") or "")
        items.append(
            {
                "number": item["number"],
                "title": item["title"],
                "case_number": item.get("case_number"),
                "closed": item["closed"],
                "decision": bool(text),
                "decision_first_words": text,
                "attachments": len(item.get("attachments", [])),
            }
        )
    return read.adapter, {
        "body": meeting["body"],
        "date": f"{starts:%Y-%m-%d}",
        "time": f"{starts:%H:%M}",
        "location": meeting.get("location", ""),
        "items": items,
    }


def agreement(reference: dict[str, Any], found: dict[str, Any]) -> tuple[float, list[str]]:
    """The share of fields that agree, and what did not (for the print-out)."""
    agree, total, misses = 0, 0, []
    for key in ("body", "date", "time", "location"):
        total += 1
        if _squash(str(found.get(key, ""))) == _squash(str(reference[key])):
            agree += 1
        else:
            misses.append(f"{key}: {found.get(key)!r} ≠ {reference[key]!r}")
    by_number = {i["number"]: i for i in found["items"]}
    for ref in reference["items"]:
        item = by_number.get(ref["number"])
        for key in ITEM_FIELDS:
            total += 1
            if item is None:
                continue
            want, got = ref[key], item[key]
            if key == "decision_first_words":
                ok = _squash(str(got)).startswith(_squash(str(want)))
            elif key == "title":
                ok = _squash(got) == _squash(want)
            else:
                ok = got == want
            agree += ok
            if not ok:
                misses.append(f"punkt {ref['number']} {key}: {str(got)[:60]!r} ≠ {want!r}")
        if item is None:
            misses.append(f"punkt {ref['number']} mangler")
    extra = set(by_number) - {r["number"] for r in reference["items"]}
    total += len(extra) * len(ITEM_FIELDS)
    misses += [f"punkt {n} findes ikke i referencen" for n in sorted(extra)]
    return (agree / total if total else 1.0), misses


def main() -> None:
    folder = Path(settings.BASE_DIR).parent / "shared" / "other-minutes"
    references = json.loads(REFERENCES.read_text(encoding="utf-8"))
    worst = 1.0
    print(f"{'document':42} {'adapter':24} {'agreement':>9}")
    for name, reference in references.items():
        path = folder / name
        if not path.exists():
            print(f"{name:42} (not found in {folder})")
            continue
        try:
            adapter, found = extracted(name, path.read_bytes())
        except Exception as exc:  # a document that does not import scores 0
            print(f"{name:42} {'—':24} {0:9.3f}  {exc}")
            worst = 0.0
            continue
        score, misses = agreement(reference, found)
        worst = min(worst, score)
        print(f"{name:42} {adapter:24} {score:9.3f}")
        for miss in misses[:8]:
            print(f"    {miss}")
    print(f"worst agreement: {worst:.3f}")
