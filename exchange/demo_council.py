"""Demo of a political body for `manage.py loaddemo`: Byrådet with nine members from five
parties, its secretary, and two meetings — minutes of 25-11-2026 with a named vote, an inhabil
member, a protokoltilførsel and a closed item with its public decision, taken through the whole
workflow (drafted, sent for review, approved by the members present, published), and the draft
agenda of 16-12-2026.

Everything goes through the services, as a secretary and the members would do it, so the
history and the transitions are recorded. Idempotent: seats are brought up to date, and a
meeting that exists already is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.deadlines import is_late
from meetings.models import Body, Meeting, Membership, Party
from meetings.selectors.protocol import item_roll
from meetings.services.items import DecisionInput, item_create, item_move
from meetings.services.meetings import AttendeeInput, meeting_create
from meetings.services.protocol import (
    AbsenceInput,
    ballots_by_party,
    item_participation_set,
    parse_party_vote,
    public_decision_set,
    remark_save,
    vote_record,
)
from meetings.services.publication import meeting_publish_agenda, meeting_publish_supplement
from meetings.services.review import decision_approve, meeting_publish, meeting_submit_for_review

BODY_NAME = "Byrådet"
BODY_SLUG = "byraadet"
STANDARD_ITEMS = ["Godkendelse af dagsorden", "Meddelelser", "Eventuelt"]
PARTIES = [
    ("A", "Socialdemokratiet"),
    ("C", "Det Konservative Folkeparti"),
    ("F", "SF – Socialistisk Folkeparti"),
    ("V", "Venstre"),
    ("Ø", "Enhedslisten"),
]


@dataclass(frozen=True)
class Seat:
    name: str
    party: str
    role: str = Membership.Role.MEMBER
    username: str = ""  # a seat with a login


# In the body's order: the mayor first.
SEATS = [
    Seat("Jens Kristian Lund", "A", Membership.Role.CHAIR, "borgmester"),
    Seat("Hanne Vestergaard", "V", Membership.Role.VICE_CHAIR, "byraad1"),
    Seat("Søren Pedersen", "A", username="byraad2"),
    Seat("Lise Munk", "Ø", username="byraad3"),
    Seat("Peter Damgaard", "C", username="byraad4"),
    Seat("Karen Holm", "A"),
    Seat("Ahmed Yilmaz", "V"),
    Seat("Birthe Skov", "F"),
    Seat("Niels Bach", "V"),
]
SENT_APOLOGIES = "Niels Bach"

MINUTES_AT = dt.datetime(2026, 11, 25, 16, 0)
AGENDA_AT = dt.datetime(2026, 12, 16, 16, 0)
LOCATION = "Byrådssalen, Rådhuset"


def load_council_demo(*, password: str, with_minutes: bool) -> tuple[list[str], list[str]]:
    """Create or refresh Byrådet, its parties, members and their users; with `with_minutes`
    its two meetings. Returns the usernames and the meetings made (label)."""
    body, _created = Body.objects.get_or_create(
        slug=BODY_SLUG, defaults={"name": BODY_NAME, "public": True}
    )
    if not body.standard_items:
        body.standard_items = STANDARD_ITEMS
        body.save(update_fields=["standard_items"])
    parties = {
        letter: Party.objects.get_or_create(letter=letter, defaults={"name": name})[0]
        for letter, name in PARTIES
    }
    users = get_user_model().objects
    usernames = []
    for position, seat in enumerate(SEATS, start=1):
        fields = {"party": parties[seat.party], "role": seat.role, "position": position}
        if seat.username:
            first, last = seat.name.split(" ", 1)
            user, _created = users.get_or_create(
                username=seat.username, defaults={"first_name": first, "last_name": last}
            )
            user.set_password(password)
            user.email = user.email or f"{seat.username}@example.invalid"
            user.save()
            Membership.objects.update_or_create(user=user, body=body, defaults=fields)
            usernames.append(seat.username)
        else:
            Membership.objects.update_or_create(
                user=None, body=body, name=seat.name, defaults=fields
            )
    secretary = users.get(username="sekretaer")
    Membership.objects.update_or_create(
        user=secretary,
        body=body,
        defaults={"role": Membership.Role.SECRETARY, "position": len(SEATS) + 1},
    )
    made = []
    if with_minutes:
        for starts_at, build in ((MINUTES_AT, _published_minutes), (AGENDA_AT, _draft_agenda)):
            at = timezone.make_aware(starts_at)
            if not Meeting.objects.filter(body=body, starts_at=at).exists():
                build(body, secretary, at)
                made.append(f"{BODY_NAME} {starts_at:%d-%m-%Y %H:%M}")
    return usernames, made


def _seats(body: Body) -> dict[str, Membership]:
    """The demo's seats by the names in SEATS (a user's seat found by its username)."""
    found = {}
    for seat in SEATS:
        rows = Membership.objects.filter(body=body).select_related("user", "party")
        found[seat.name] = (
            rows.get(user__username=seat.username)
            if seat.username
            else rows.get(user=None, name=seat.name)
        )
    return found


def _published_minutes(body: Body, secretary: User, starts_at: dt.datetime) -> Meeting:
    seats = _seats(body)
    attendees = [
        AttendeeInput(
            name=seat.name,
            role=str(seats[seat.name].role),
            present=seat.name != SENT_APOLOGIES,
            user_id=seats[seat.name].user_id,
            member_id=seats[seat.name].pk,
        )
        for seat in SEATS
    ]
    secretary_seat = Membership.objects.get(body=body, user=secretary)
    attendees.append(
        AttendeeInput(
            name=secretary_seat.display_name,
            role=Membership.Role.SECRETARY,
            user_id=secretary.pk,
            member_id=secretary_seat.pk,
        )
    )
    meeting = meeting_create(
        actor=secretary, body=body, starts_at=starts_at, location=LOCATION, attendees=attendees
    )
    day = starts_at.date()

    def decided(text: str, outcome: str) -> DecisionInput:
        return DecisionInput(text=f"<p>{text}</p>", outcome=outcome, decided_on=day)

    item_create(
        actor=secretary,
        meeting=meeting,
        title="Godkendelse af dagsorden",
        decision=decided("Godkendt.", "godkendt"),
    )
    item_create(
        actor=secretary,
        meeting=meeting,
        title="Meddelelser",
        background="<p>Borgmesteren orienterede om den nye aftale om kollektiv trafik.</p>",
        decision=decided("Taget til efterretning.", "taget_til_efterretning"),
    )
    plan = item_create(
        actor=secretary,
        meeting=meeting,
        title="Lokalplan 1187 – Boliger ved Skovvej",
        case_number="26/1187",
        background=(
            "<p>Lokalplanen giver mulighed for 60 rækkehuse på den tidligere gartnerigrund ved "
            "Skovvej. Forslaget har været i offentlig høring i otte uger.</p>"
        ),
        decision=decided("Godkendt.", "godkendt"),
    )
    item_create(
        actor=secretary,
        meeting=meeting,
        title="Budgetopfølgning pr. 30. september 2026",
        case_number="26/2210",
        background="<p>Forventet regnskab viser et mindreforbrug på 4,1 mio. kr.</p>",
        decision=decided("Taget til efterretning.", "taget_til_efterretning"),
    )
    sale = item_create(
        actor=secretary,
        meeting=meeting,
        title="Salg af kommunal ejendom, matr. nr. 12a Skovby",
        case_number="26/3051",
        closed=True,
        background=(
            "<p>Tre bud er modtaget. Højeste bud er 4,2 mio. kr. fra Byggeselskabet Nord ApS.</p>"
        ),
        decision=decided(
            "Ejendommen sælges til Byggeselskabet Nord ApS for 4,2 mio. kr.", "godkendt"
        ),
    )
    item_create(
        actor=secretary,
        meeting=meeting,
        title="Eventuelt",
        decision=decided("Drøftet. Intet at bemærke.", "drøftet"),
    )

    # The lokalplan: Peter Damgaard is inhabil, the vote is taken by party, and Enhedslisten's
    # member has her dissent entered.
    item_participation_set(
        actor=secretary,
        item=plan,
        absent=[
            AbsenceInput(
                member_id=seats["Peter Damgaard"].pk,
                kind="inhabil",
                note="ejer en grund i lokalplanområdet",
            )
        ],
    )
    present = item_roll(plan).present
    ballots = ballots_by_party(present, parse_party_vote("A og V og F for, Ø imod"))
    vote_record(
        actor=secretary,
        item=plan,
        question="Indstillingen om at vedtage lokalplan 1187 endeligt",
        for_ids=ballots["for"],
        against_ids=ballots["imod"],
        abstain_ids=ballots["undlod"],
    )
    users = get_user_model().objects
    remark_save(
        actor=users.get(username="byraad3"),
        item=plan,
        kind="protokoltilførsel",
        text=(
            "Enhedslisten kan ikke støtte lokalplanen, da den bebygger et grønt område, som "
            "borgerne bruger dagligt."
        ),
    )
    public_decision_set(
        actor=secretary,
        item=sale,
        text=(
            "Byrådet godkendte salg af en kommunal ejendom. Køber og pris offentliggøres, når "
            "handlen er endelig."
        ),
    )

    meeting_submit_for_review(meeting=meeting, actor=secretary)
    signers = [users.get(username=seat.username) for seat in SEATS if seat.username]
    for item in meeting.items.order_by("number"):
        for signer in signers:
            decision_approve(item=item, actor=signer)
    meeting.refresh_from_db()
    return meeting_publish(meeting=meeting, actor=secretary)


def _draft_agenda(body: Body, secretary: User, starts_at: dt.datetime) -> Meeting:
    meeting = meeting_create(actor=secretary, body=body, starts_at=starts_at, location=LOCATION)
    titles = [
        "Godkendelse af dagsorden",
        "Meddelelser",
        "Takster for 2027",
        "Forslag til kommuneplantillæg nr. 12 – Erhverv ved motorvejen",
        "Eventuelt",
    ]
    for title in titles:
        item_create(actor=secretary, meeting=meeting, title=title)
    # Out to the members and the public before the meeting, and one item after it as a
    # tillægsdagsorden; the reason is asked for only when the demo is loaded late.
    late = _("Demonstrationsdata indlæst efter fristen.")
    meeting_publish_agenda(
        meeting=meeting, actor=secretary, reason=late if is_late(meeting) else ""
    )
    late_item = item_create(
        actor=secretary, meeting=meeting, title="Vintervedligeholdelse af cykelstier"
    )
    item_move(actor=secretary, item=late_item, position=len(titles))  # before "Eventuelt"
    meeting_publish_supplement(
        meeting=meeting, actor=secretary, reason=late if is_late(meeting) else ""
    )
    return meeting
