"""What the adapters share: Danish dates and times, case numbers, item sections by their
headings, attendance lists, and the sentences of the protocol (who did not take part, votes).

Every adapter reads its system's layout into the same small structures (`DraftMeeting`,
`DraftItem`, `Section`), and this module turns them into exchange-format dicts (referat/1),
so that what a section heading means, which decision is this meeting's and which are the
case's earlier ones, and what counts as an absence are decided in one place for every system.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.sanitize import sanitize_html
from meetings.validators import normalise_case_number

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "jan"), ("februar", "feb"), ("marts", "mar"), ("april", "apr"),
            ("maj",), ("juni", "jun"), ("juli", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("oktober", "okt"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip

_NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})\b")
_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD_DATE_RE = re.compile(r"\b(\d{1,2})\.?\s+([a-zæøå]{3,9})\.?\s+(\d{4})\b", re.IGNORECASE)
_TIME_RE = re.compile(r"(?:\bkl\.?\s*|\b)([01]?\d|2[0-3])[:.]([0-5]\d)\b", re.IGNORECASE)


def find_date(text: str) -> dt.date | None:
    """The first date in a text as Danish documents print it: 04.12.2012, 04-12-2012,
    2013-06-20, 20. juni 2013, onsdag den 1. oktober 2025."""
    found: list[tuple[int, dt.date]] = []
    for match in _NUMERIC_DATE_RE.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        if (value := _date(year, month, day)) is not None:
            found.append((match.start(), value))
    for match in _ISO_DATE_RE.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        if (value := _date(year, month, day)) is not None:
            found.append((match.start(), value))
    for match in _WORD_DATE_RE.finditer(text):
        month_number = MONTHS.get(match.group(2).lower())
        if month_number and (
            value := _date(int(match.group(3)), month_number, int(match.group(1)))
        ):
            found.append((match.start(), value))
    return min(found)[1] if found else None


def find_time(text: str) -> dt.time | None:
    """The time of day in "kl. 15.45", "Kl. 10:30", "13:00:00"; a time written with a dot
    counts only after "kl." (a dot is also how dates and amounts are written)."""
    for match in _TIME_RE.finditer(text):
        if "." in match.group(0) and not match.group(0).lower().startswith("kl"):
            continue
        return dt.time(int(match.group(1)), int(match.group(2)))
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def aware(date: dt.date, time: dt.time | None) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, time or dt.time(0, 0)))


# --- case numbers --------------------------------------------------------------------------

_CASE_LABEL_RE = re.compile(
    r"^\s*(?:Sagsnr|Sagsnummer|Sags\s*nr|Sag\s*nr)\.?\s*:?\s*(?P<number>\S+)", re.IGNORECASE
)


def case_number(raw: str) -> str | None:
    """The case number a text is (whole), normalised, or None when it is no case number
    the municipality's patterns allow."""
    raw = raw.strip().rstrip(".,;")
    if not raw or len(raw) > 40:
        return None
    try:
        return normalise_case_number(raw)
    except ValidationError:
        return None


def labelled_case_number(line: str) -> str | None:
    """The case number after a "Sagsnr.:" label. A document number (Dok.nr.) never is one,
    though 2012-203438 has a case number's form: only the label tells them apart."""
    match = _CASE_LABEL_RE.match(line)
    return case_number(match["number"]) if match else None


# --- text to HTML ---------------------------------------------------------------------------

_BULLET_RE = re.compile(r"^\s*(?:[•·▪◦●\-–]|\uf0b7|\uf0a7)\s+")


def text_to_html(lines: Iterable[str]) -> str:
    """Plain text lines as paragraphs (a blank line or a line that ends a sentence closes
    one) and bullet lists; everything escaped."""
    parts: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            parts.append(f"<p>{html.escape(' '.join(paragraph))}</p>")
            paragraph.clear()

    def close_bullets() -> None:
        if bullets:
            parts.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in bullets) + "</ul>")
            bullets.clear()

    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            close_paragraph()
            close_bullets()
            continue
        if _BULLET_RE.match(raw):
            close_paragraph()
            bullets.append(_BULLET_RE.sub("", raw).strip())
            continue
        close_bullets()
        paragraph.append(line)
        if line.endswith((".", ":", "!", "?")):
            close_paragraph()
    close_paragraph()
    close_bullets()
    return "\n".join(parts)


def html_text(fragment: str) -> str:
    """The visible text of an HTML fragment, one line a block."""
    # Line breaks in the HTML source are no line breaks on the page (Word wraps its HTML).
    text = re.sub(r"\s+", " ", fragment)
    text = re.sub(r"(?i)<br\s*/?>|</(?:p|div|li|h\d|tr)>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text).replace("\xa0", " ")
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def clean_html(fragment: str) -> str:
    """HTML from a source system, through the project's sanitizer, with the empty paragraphs
    Word and the editors of those systems leave ("<p>&nbsp;</p>") dropped."""
    # Word and the systems' editors wrap their HTML source; a line break there is a space.
    cleaned = sanitize_html(re.sub(r"\s+", " ", fragment))
    cleaned = re.sub(r"<p>(?:\s|&nbsp;|\xa0|<br\s*/?>)*</p>", "", cleaned)
    return cleaned.strip()


# --- sections -------------------------------------------------------------------------------


@dataclass
class Section:
    """One heading of an item and what follows it, as text lines or as HTML."""

    heading: str
    lines: list[str] = field(default_factory=list)
    html: str = ""

    def as_html(self) -> str:
        return clean_html(self.html) if self.html else text_to_html(self.lines)

    def as_text(self) -> str:
        return html_text(self.html) if self.html else "\n".join(self.lines).strip()


BACKGROUND_HEADINGS = ("baggrund", "resumé", "resume", "sammendrag")
PRESENTATION_HEADINGS = ("sagsfremstilling", "supplerende sagsfremstilling", "beskrivelse")
ECONOMY_HEADINGS = ("økonomi",)
RECOMMENDATION_HEADINGS = ("indstilling", "beslutningspunkter", "forslag til beslutning")
ATTACHMENT_HEADINGS = ("bilag",)
HISTORY_HEADINGS = ("sagsforløb", "tidligere behandling", "tidligere beslutninger")
# Headings that say nothing of the content of an item, kept out of its text.
NOISE_HEADINGS = ("beslutningen træffes af", "sagen afgøres i")

# "Beslutning", "Beslutninger", "Beslutning i Udvalget for … den 10-04-2013", "Beslutning
# Direktionen den 20-03-2017", "Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012
# Punkt 2".
_DECISION_HEADING_RE = re.compile(
    r"^(?:Beslutning(?:er)?\b(?P<after>.*)|(?P<body>.+?)s?\s+beslutning\b(?P<rest>.*))$",
    re.IGNORECASE,
)


def decision_heading(heading: str) -> tuple[str, dt.date | None] | None:
    """(the deciding body, the date) of a decision's heading; None when it is no decision."""
    match = _DECISION_HEADING_RE.match(heading.strip())
    if not match:
        return None
    tail = match["after"] if match["after"] is not None else match["rest"]
    if match["body"] is not None and len(match["body"]) > 120:
        return None
    body = match["body"] or ""
    if match["body"] is not None and (
        find_date(tail) is None or body.endswith((".", ",")) or not body[:1].isupper()
    ):
        # "… henviser til udvalgets beslutning" is a sentence; a heading of this form names
        # its body and the date ("Sundheds- og Forebyggelsesudvalgets beslutning den …").
        return None
    if match["after"] is not None:
        body = re.sub(r"^\s*(?:i|for)\s+", "", tail.split(" den ")[0]).strip()
    return body.strip(), find_date(tail or "")


def heading_kind(heading: str) -> str:
    """What a section heading holds: background, presentation, economy, recommendation,
    decision, attachments, history, noise, or unknown."""
    low = " ".join(heading.lower().rstrip(":").split())
    if decision_heading(heading) is not None and not low.startswith(
        ("beslutningspunkt", "beslutningen træffes")
    ):
        return "decision"
    if low.startswith(ECONOMY_HEADINGS) or low.startswith(NOISE_HEADINGS):
        # "Økonomiske konsekvenser og finansiering", "Økonomi og organisatoriske …"
        return "economy" if low.startswith(ECONOMY_HEADINGS) else "noise"
    if low.startswith(("indstilling fra ", "indstilling til ")):
        return "recommendation"
    # Otherwise only the heading itself: "Indstillingen godkendt" is a decision's text.
    for kind, names in (
        ("background", BACKGROUND_HEADINGS),
        ("presentation", PRESENTATION_HEADINGS),
        ("recommendation", RECOMMENDATION_HEADINGS),
        ("attachments", ATTACHMENT_HEADINGS),
        ("history", HISTORY_HEADINGS),
    ):
        if low in names:
            return kind
    return "unknown"


# --- the protocol's sentences ---------------------------------------------------------------

_NAME = r"[A-ZÆØÅ][\w.\-]+(?:\s+(?:[A-ZÆØÅ][\w.\-]+|af|de|la|von|van))*(?:\s+\([A-ZÆØÅ]{1,3}\))?"
_NOT_PRESENT_RE = re.compile(
    rf"(?P<names>{_NAME}(?:\s*,\s*{_NAME})*(?:\s+og\s+{_NAME})?)\s+"
    r"(?:deltog\s+ikke\s+i\s+(?:sagens\s+|punktets\s+)?behandling(?:en)?"
    r"|var\s+forhindret\s+i\s+at\s+deltage"
    r"|var\s+fraværende)",
)
_DISQUALIFIED_RE = re.compile(rf"(?P<names>{_NAME})\s+(?:var|blev\s+erklæret)\s+inhabil")
_VOTE_LINE_RE = re.compile(
    r"^(?P<choice>For|Imod|Undlod|Hverken for eller imod)(?:\s+stemte)?\s*(?:\(\d+\))?\s*:\s*"
    r"(?P<names>.+)$",
    re.IGNORECASE,
)
_PARTY_WORDS = ("partiet", "gruppe", "folkeparti", "listen", "venstre", "demokrat", "alliance")


def split_names(raw: str) -> list[str]:
    parts = re.split(r"\s*,\s*|\s+og\s+", raw.strip().rstrip("."))
    return [" ".join(p.split()) for p in parts if p.strip()]


def _is_person(name: str) -> bool:
    # "Socialistisk Folkeparti" or "Radikale Venstres byrådsgruppe" is a party, not a member.
    low = name.lower()
    return 1 < len(name.split()) <= 6 and not any(word in low for word in _PARTY_WORDS)


@dataclass
class Protocol:
    """What a decision's text says of the protocol, unambiguously: members who did not take
    part, members disqualified, and votes by name."""

    participation: list[dict[str, Any]] = field(default_factory=list)
    votes: list[dict[str, Any]] = field(default_factory=list)


def read_protocol(text: str, *, question: str) -> Protocol:
    """Members named as not taking part or disqualified, and a vote written as "For: A, B /
    Imod: C / Undlod: D". A party named instead of members stays in the text only."""
    protocol = Protocol()
    seen: set[str] = set()
    # Sentence by sentence: "Godkendt. Jesper Kjeldsen deltog ikke …" names Jesper Kjeldsen.
    sentences = [s for line in text.splitlines() for s in re.split(r"(?<=[.!?])\s+", line)]
    for regex, kind in ((_DISQUALIFIED_RE, "inhabil"), (_NOT_PRESENT_RE, "fraværende")):
        for match in (m for sentence in sentences for m in regex.finditer(sentence)):
            for name in split_names(match["names"]):
                if _is_person(name) and member_name(name).casefold() not in seen:
                    seen.add(member_name(name).casefold())
                    # The seat is the person's, party letter aside, as remarks and
                    # substitutes name it ("Dorte Lund (Ø)" is Dorte Lund).
                    protocol.participation.append({"member": member_name(name), "kind": kind})
    ballots: list[dict[str, str]] = []
    for line in text.splitlines():
        vote = _VOTE_LINE_RE.match(line.strip())
        if not vote:
            continue
        choice = vote["choice"].lower()
        choice = "undlod" if choice.startswith(("undlod", "hverken")) else choice
        names = split_names(vote["names"])
        if not names or not all(_is_person(n) for n in names):
            # A vote by party, or a count: kept as the decision's text.
            return Protocol(participation=protocol.participation)
        ballots.extend({"member": member_name(n), "choice": choice} for n in names)
    voters = [b["member"].casefold() for b in ballots]
    if ballots and len(set(voters)) == len(voters) and not (set(voters) & seen):
        protocol.votes.append({"question": question[:2000], "ballots": ballots})
    return protocol


def member_name(printed: str) -> str:
    """The member a printed name refers to: "Dorte Lund (Ø)" is Dorte Lund."""
    return " ".join(re.sub(r"\s*\([^()]{1,40}\)\s*$", "", printed).split())


def is_named_member(printed: str) -> bool:
    """A person's name, not a party, a group or a seat described in words."""
    name = member_name(printed)
    return bool(re.fullmatch(_NAME, name)) and _is_person(name)


# "Dorte Lund (Ø) ønskede følgende tilført protokollen: …", "Protokoltilførsel fra Dorte Lund:
# …", "Mindretalsudtalelse fra Dorte Lund: …", "Dorte Lund afgav følgende
# mindretalsudtalelse: …". "… begærede sagen indbragt for byrådet" asks for a new
# treatment; it is no remark, and none of these forms matches it.
# Who: up to the verb, never across a sentence's end ("Godkendt. Dorte Lund ønskede …").
_WHO = r"(?P<member>(?:(?![.!?]\s)[^:]){2,120}?)"
_REMARK_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "protokoltilførsel",
        re.compile(
            rf"^{_WHO}\s+(?:ønskede|bad\s+om\s+at\s+få|fik)\s+(?:følgende\s+)?tilført\s+"
            r"(?:til\s+)?protokollen\s*[:,]?\s*(?P<text>.*)$",
            re.IGNORECASE,
        ),
    ),
    (
        "protokoltilførsel",
        re.compile(rf"^Protokoltilførsel\s+(?:fra|ved)\s+{_WHO}\s*:\s*(?P<text>.*)$", re.I),
    ),
    (
        "mindretalsudtalelse",
        re.compile(rf"^Mindretalsudtalelse\s+(?:fra|ved)\s+{_WHO}\s*:\s*(?P<text>.*)$", re.I),
    ),
    (
        "mindretalsudtalelse",
        re.compile(
            rf"^{_WHO}\s+(?:afgav|fremsatte|ønskede\s+at\s+afgive)\s+(?:følgende\s+)?"
            r"mindretalsudtalelse\s*:\s*(?P<text>.*)$",
            re.IGNORECASE,
        ),
    ),
)
REMARK_MAX = 1000


@dataclass
class FoundRemark:
    kind: str
    # As the text names them ("Dorte Lund (Ø)", "Enhedslisten").
    who: str
    text: str


def find_remarks(text: str) -> list[FoundRemark]:
    """The remarks a decision's text records: each from its opening words to the end of its
    paragraph (a blank line, or a line that ends a sentence, as the text's paragraphs are
    made), the text after "…protokollen:" on the same line or, when none, on the next."""
    found: list[FoundRemark] = []
    lines = text.splitlines()
    for index, raw in enumerate(lines):
        # A remark may begin after the decision's first sentence on the same line.
        for start in _sentence_starts(raw):
            for kind, regex in _REMARK_RES:
                match = regex.match(raw[start:].strip())
                if match is None:
                    continue
                parts = [match["text"].strip()] if match["text"].strip() else []
                following = index + 1
                while following < len(lines):
                    line = lines[following].strip()
                    if not line or (parts and parts[-1].endswith((".", "!", "?"))):
                        break
                    parts.append(line)
                    following += 1
                found.append(FoundRemark(kind, match["member"].strip(), " ".join(parts)))
                break
            else:
                continue
            break
    return found


def _sentence_starts(line: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"[.!?]\s+(?=[A-ZÆØÅ])", line))]


def remarks_of(
    text: str, participants: list[dict[str, Any]], where: str, notes: Notes
) -> list[dict[str, Any]]:
    """The remarks of a decision's text whose member is one of the meeting's participants by
    name; the others stay the decision's text only, and the report says why."""
    known = {member_name(p["name"]).casefold(): member_name(p["name"]) for p in participants}
    remarks: list[dict[str, Any]] = []
    for remark in find_remarks(text):
        label = remark.kind.capitalize()
        who = member_name(remark.who)
        if not remark.text:
            reason = _("den ikke har nogen tekst")
        elif len(remark.text) > REMARK_MAX:
            reason = _("den er længere end %(max)d tegn") % {"max": REMARK_MAX}
        elif not is_named_member(remark.who):
            reason = _("“%(who)s” ikke er et navngivet medlem") % {"who": remark.who}
        elif who.casefold() not in known:
            reason = _("%(who)s ikke står blandt mødets deltagere") % {"who": who}
        elif (remark.kind, known[who.casefold()]) in {(r["kind"], r["member"]) for r in remarks}:
            reason = _("%(who)s allerede har en af samme art i punktet") % {"who": who}
        else:
            remarks.append(
                {"kind": remark.kind, "member": known[who.casefold()], "text": remark.text}
            )
            continue
        notes.unplaced.append(
            _("%(where)s: %(kind)s fra “%(who)s” er ikke registreret som bemærkning, fordi "
              "%(reason)s; den står i beslutningens tekst.")
            % {"where": where, "kind": label, "who": remark.who, "reason": reason}
        )  # fmt: skip
    return remarks


# --- attendance -----------------------------------------------------------------------------

_PRESENT_HEADINGS = ("tilstede", "til stede", "mødedeltagere", "deltagere", "medlemmer")
_ABSENT_HEADINGS = ("afbud", "fraværende", "afbud/fraværende", "fraværende/afbud")
_SECRETARY_HEADINGS = ("sekretær", "referent")
_SUBSTITUTE_RE = re.compile(
    r"^(?P<absent>.+?)\s*[–-]\s*(?P<substitute>.+?)\s+mødte\s+(?:som|for)\s+(?:stedfortræder|suppleant)",
    re.IGNORECASE,
)
# "Bo Jensen deltog som stedfortræder for Anne Hansen", "… mødte som suppleant for …".
_SUBSTITUTE_FOR_RE = re.compile(
    r"^(?P<substitute>.+?)\s+(?:deltog|mødte)\s+som\s+(?:stedfortræder|suppleant)\s+for\s+"
    r"(?P<absent>.+?)\.?$",
    re.IGNORECASE,
)
# The absent member whose seat a substitute took, kept on the substitute's entry until
# to_exchange decides whether it can say so in the exchange model (seat_substitutes).
SUBSTITUTE_FOR = "_substitute_for"
_ROLE_RE = re.compile(r"^(?P<name>.+?)\s+[–-]\s+(?P<role>formand|næstformand)$", re.IGNORECASE)


def attendance_from_lines(lines: list[str]) -> list[dict[str, Any]]:
    """Participants from an attendance block: headed lists (Tilstede / Afbud / Fraværende /
    Sekretær), names one a line or separated by commas, a members table in two columns (two
    names on one line, far apart), "formand"/"næstformand" after a dash, and "Fraværende: X –
    Y mødte som stedfortræder"."""
    people: list[dict[str, Any]] = []
    mode = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        low = line.lower().rstrip(":")
        head, _, rest = line.partition(":")
        head_low = head.strip().lower()
        if low in _PRESENT_HEADINGS or head_low in _PRESENT_HEADINGS:
            mode, line = "present", rest.strip() if low not in _PRESENT_HEADINGS else ""
        elif low in _ABSENT_HEADINGS or head_low in _ABSENT_HEADINGS:
            mode, line = "absent", rest.strip() if low not in _ABSENT_HEADINGS else ""
        elif low in _SECRETARY_HEADINGS or head_low in _SECRETARY_HEADINGS:
            mode, line = "secretary", rest.strip() if low not in _SECRETARY_HEADINGS else ""
        if line and (sub := _SUBSTITUTE_FOR_RE.match(line)):
            _add_substitute(people, sub["absent"], sub["substitute"])
            continue
        if not line or not mode:
            continue
        if mode == "absent" and (sub := _SUBSTITUTE_RE.match(line)):
            _add_substitute(people, sub["absent"], sub["substitute"])
            continue
        # A members table in two columns comes out as two names on one line: far apart, or
        # one after the other's party letter.
        cells = re.split(r"\s{3,}|\t|(?<=\))\s+(?=[A-ZÆØÅ])", line)
        names = [n for cell in cells for n in re.split(r"\s*,\s*", cell) if n.strip()]
        for name in names:
            person: dict[str, Any] = {"name": " ".join(name.split())}
            if role := _ROLE_RE.match(person["name"]):
                person = {"name": role["name"], "role": role["role"].lower()}
            if mode == "absent":
                person["present"] = False
            elif mode == "secretary":
                person["role"] = "sekretær"
            people.append(person)
    return people


def _add_substitute(people: list[dict[str, Any]], absent: str, substitute: str) -> None:
    absent = " ".join(absent.split())
    listed = next((p for p in people if p["name"] == absent), None)
    if listed is None:
        people.append({"name": absent, "present": False})
    else:
        # Listed among those present, yet a substitute took the seat: the member was not there.
        listed["present"] = False
    people.append(
        {"name": " ".join(substitute.split()), "role": "stedfortræder", SUBSTITUTE_FOR: absent}
    )


def seat_substitutes(people: list[dict[str, Any]], notes: Notes) -> list[dict[str, Any]]:
    """The participants for the exchange model: a substitute for a named member takes that
    member's seat (`member`, `substitute_for`, and the absent member's `member`); one for a
    party or a seat described in words, or a second substitute for the same member, stays a
    participant with the role stedfortræder only, and the report says so."""
    result = [dict(p) for p in people if p.get("name")]
    seated: set[str] = set()
    for person in result:
        absent = person.pop(SUBSTITUTE_FOR, None)
        if absent is None:
            continue
        holder = next(
            (p for p in result if p["name"] == absent and p.get("present") is False), None
        )
        seat, own = member_name(absent), member_name(person["name"])
        if (
            holder is not None
            and is_named_member(absent)
            and is_named_member(person["name"])
            and not {seat.casefold(), own.casefold()} & seated
            and seat.casefold() != own.casefold()
        ):
            holder["member"] = seat
            person["member"] = own
            person["substitute_for"] = seat
            seated |= {seat.casefold(), own.casefold()}
            continue
        notes.unplaced.append(
            _("%(substitute)s mødte som stedfortræder for “%(absent)s”, men er ikke knyttet "
              "til en plads, fordi “%(absent)s” ikke entydigt er et navngivet medlem; "
              "deltageren står med rollen stedfortræder.")
            % {"substitute": person["name"], "absent": absent}
        )  # fmt: skip
    return result


# --- the exchange format --------------------------------------------------------------------


@dataclass
class DraftItem:
    number: int
    title: str
    case_number: str | None = None
    closed: bool = False
    sections: list[Section] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    # Text that belongs to the item but to no section (e.g. sub-items a–e of Meddelelser).
    lead: list[str] = field(default_factory=list)
    lead_html: str = ""
    # False when the file lists the attachments apart (XML): a Bilag section then repeats
    # them with document numbers.
    attachments_from_sections: bool = True


@dataclass
class DraftMeeting:
    body: str
    date: dt.date
    time: dt.time | None
    location: str = ""
    participants: list[dict[str, Any]] = field(default_factory=list)
    items: list[DraftItem] = field(default_factory=list)
    # "referat" when the document holds minutes, "dagsorden" when it is an agenda.
    document: str = "referat"


@dataclass
class Notes:
    """What an adapter tells the import report: what it guessed, and what it could not
    place (kept as text where it could)."""

    guesses: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


def note_foreign_case_number(raw: str, item: DraftItem, notes: Notes) -> None:
    """Tell the report of a case number the file gives that the municipality's patterns do
    not allow: the item comes in without a case rather than with a wrong one."""
    if raw and item.case_number is None:
        notes.unplaced.append(
            f"Punkt {item.number}: sagsnummeret “{raw}” har ikke en af kommunens former for "
            f"sagsnumre og er ikke knyttet til punktet."
        )


def to_exchange(meeting: DraftMeeting, notes: Notes) -> dict[str, Any]:
    """The exchange-format dict (referat/1) of a meeting an adapter read."""
    if meeting.time is None:
        notes.guesses.append("Mødets klokkeslæt står ikke i filen; mødet er sat til kl. 00:00.")
    items = [_item_to_exchange(item, meeting, notes) for item in meeting.items]
    seen: set[int] = set()
    for item in items:
        if item["number"] in seen:
            raise ValueError(f"Punkt {item['number']} optræder to gange.")
        seen.add(item["number"])
    has_decisions = any(item.get("decision") for item in items)
    status = "published" if meeting.document == "referat" and has_decisions else "draft"
    data: dict[str, Any] = {
        "body": meeting.body[:200],
        "starts_at": aware(meeting.date, meeting.time).isoformat(),
        "location": meeting.location[:200],
        "participants": _with_seats(seat_substitutes(meeting.participants, notes), items),
        "status": status,
        "items": items,
    }
    return data


def _with_seats(people: list[dict[str, Any]], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Participants whose remarks the items record take their seat (`member`), so that the
    attendance and the remark name the same member."""
    speakers = {r["member"].casefold(): r["member"] for i in items for r in i.get("remarks", [])}
    seated = {p["member"].casefold() for p in people if p.get("member")}
    for person in people:
        name = member_name(person["name"]).casefold()
        if name in speakers and name not in seated and not person.get("member"):
            person["member"] = speakers[name]
            seated.add(name)
    return people


def _item_to_exchange(item: DraftItem, meeting: DraftMeeting, notes: Notes) -> dict[str, Any]:
    where = f"Punkt {item.number}"
    background: list[str] = []
    presentation: list[str] = []
    economy: list[str] = []
    recommendation: list[str] = []
    history: list[str] = []
    decisions: list[tuple[Section, str, dt.date | None]] = []
    attachments = list(item.attachments)
    # Blank lines alone (a text version's spacing before the first heading) are no lead.
    if item.lead_html or any(line.strip() for line in item.lead):
        presentation.append(
            clean_html(item.lead_html) if item.lead_html else text_to_html(item.lead)
        )
    for section in item.sections:
        kind = heading_kind(section.heading)
        body_html = section.as_html()
        if kind == "decision":
            body, date = decision_heading(section.heading) or ("", None)
            decisions.append((section, body, date))
        elif kind == "attachments":
            if item.attachments_from_sections:
                attachments.extend(attachment_titles(section.as_text().splitlines()))
        elif kind == "noise" or not body_html:
            continue
        elif kind == "background":
            background.append(_headed(section.heading, body_html, first=not background))
        elif kind == "presentation":
            presentation.append(_headed(section.heading, body_html, first=not presentation))
        elif kind == "economy":
            economy.append(body_html)
        elif kind == "recommendation":
            recommendation.append(body_html)
        elif kind == "history":
            history.append(body_html)
        else:
            presentation.append(f"<h3>{html.escape(section.heading)}</h3>\n{body_html}")
            notes.guesses.append(
                f"{where}: afsnittet “{section.heading}” er lagt under Sagsfremstilling."
            )
    this, earlier = _this_meetings_decision(decisions, meeting)
    for section, body, date in earlier:
        when = f" den {date:%d-%m-%Y}" if date else ""
        history.append(
            f"<h3>{html.escape(('Beslutning ' + body).strip() + when)}</h3>\n{section.as_html()}"
        )
    if earlier:
        notes.guesses.append(
            f"{where}: {len(earlier)} tidligere beslutning(er) er lagt under Sagsforløb, "
            f"ikke som dette mødes beslutning."
        )
    if history:
        presentation.append("<h3>Sagsforløb</h3>\n" + "\n".join(history))
    data: dict[str, Any] = {
        "number": item.number,
        "title": item.title[:500] or f"Punkt {item.number}",
        "case_number": item.case_number,
        "closed": item.closed,
        "background": "\n".join(background),
        "presentation": "\n".join(presentation),
        "economy": "\n".join(economy),
        "attachments": [{"title": t[:500]} for t in attachments if t.strip()],
    }
    if recommendation:
        data["recommendation"] = "\n".join(recommendation)
    if this is not None:
        section, _body, date = this
        text = section.as_text()
        if text:
            data["decision"] = {
                "text": section.as_html(),
                "outcome": outcome_of(text),
                "decided_on": (date or meeting.date).isoformat(),
            }
            protocol = read_protocol(text, question=f"Indstillingen, {where.lower()}")
            if protocol.participation:
                data["participation"] = protocol.participation
            if protocol.votes:
                data["votes"] = protocol.votes
            if remarks := remarks_of(text, meeting.participants, where, notes):
                data["remarks"] = remarks
    return data


def _headed(heading: str, body_html: str, *, first: bool) -> str:
    # The first section of a field is the field itself (its heading is the field's label);
    # a second one (Resumé after Baggrund) keeps its heading.
    return body_html if first else f"<h3>{html.escape(heading)}</h3>\n{body_html}"


def _this_meetings_decision(
    decisions: list[tuple[Section, str, dt.date | None]], meeting: DraftMeeting
) -> tuple[tuple[Section, str, dt.date | None] | None, list[tuple[Section, str, dt.date | None]]]:
    """This meeting's decision and the case's earlier ones (stacked decisions of earlier
    meetings and other bodies). A dated decision is this meeting's when its date is the
    meeting's; an undated one when it is the last."""
    if not decisions:
        return None, []
    dated = [d for d in decisions if d[2] == meeting.date]
    if dated:
        this = dated[-1]
    elif all(d[2] is None for d in decisions) or decisions[-1][2] is None:
        this = decisions[-1]
    else:
        return None, decisions
    return this, [d for d in decisions if d is not this]


OUTCOME_WORDS = (
    ("godkendt", "Godkendt"),
    ("indstillingen godkendt", "Godkendt"),
    ("indstilles til godkendelse", "Godkendt"),
    ("taget til efterretning", "Taget til efterretning"),
    ("taget til orientering", "Taget til efterretning"),
    ("drøftet", "Drøftet"),
    ("punktet blev drøftet", "Drøftet"),
    ("udsat", "Udsat"),
    ("afvist", "Afvist"),
    ("tiltrådt", "Godkendt"),
    ("anbefales", "Godkendt"),
)


def outcome_of(text: str) -> str:
    """The outcome word a decision opens with, where it opens with one."""
    low = text.strip().lower()
    for words, label in OUTCOME_WORDS:
        if low.startswith(words):
            return label
    return ""


_DOC_NUMBER_TAIL_RE = re.compile(r"\s{2,}\d{1,7}/\d{2}\s*$|\s+\d{3,7}/\d{2}$")
_DOC_NUMBER_HEAD_RE = re.compile(r"^\d{4}[-–]\d{3,7}\s*-\s*")
_NUMBERED_RE = re.compile(r"^\d{1,3}\s+(?:Åben|Lukket)\s+", re.IGNORECASE)


def attachment_titles(lines: list[str]) -> list[str]:
    """Attachment titles from a Bilag list: the document numbers systems print beside them
    ("2012-200782 - Titel", "1 Åben Titel 222359/12") are no part of the title, and "Ingen"
    is no attachment."""
    titles = []
    for raw in lines:
        line = " ".join(raw.split()) if "  " not in raw.strip() else raw.strip()
        line = _DOC_NUMBER_TAIL_RE.sub("", line)
        line = " ".join(line.split())
        line = _DOC_NUMBER_HEAD_RE.sub("", line)
        line = _NUMBERED_RE.sub("", line)
        if line and line.lower() not in ("ingen", "ingen bilag", "-"):
            titles.append(line)
    return titles
