"""`manage.py export_minutes`: meetings as JSON in the exchange format, public or in full."""

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exchange.export import meetings_to_exchange
from meetings.access import public_meetings
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Udskriver møder som JSON i udvekslingsformatet referat/1: ét møde (ID), alle møder "
        "på en dato (--date ÅÅÅÅ-MM-DD) eller alle (--all). "
        "--public tager kun offentliggjorte møder med og udelader lukkede punkters indhold."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("id", nargs="?", type=int, help="mødets id")
        parser.add_argument("--date", help="alle møder på denne dato (ÅÅÅÅ-MM-DD)")
        parser.add_argument("--all", action="store_true", help="alle møder")
        parser.add_argument(
            "--public",
            action="store_true",
            help="kun offentliggjorte møder, uden lukkede punkters indhold",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = [bool(options["id"]), bool(options["date"]), options["all"]]
        if sum(chosen) != 1:
            raise CommandError("Angiv præcis én af: ID, --date ÅÅÅÅ-MM-DD eller --all.")
        meetings = Meeting.objects.all()
        if options["id"]:
            meetings = meetings.filter(pk=options["id"])
            if not meetings.exists():
                raise CommandError(f"Mødet {options['id']} findes ikke.")
            if options["public"] and not public_meetings(meetings).exists():
                raise CommandError(
                    f"Mødet {options['id']} er ikke offentliggjort, så det har intet "
                    "offentligt indhold endnu."
                )
        elif options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"“{options['date']}” er ikke en gyldig dato; skriv den som ÅÅÅÅ-MM-DD."
                ) from exc
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            meetings = meetings.filter(
                starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
            )
        data = meetings_to_exchange(meetings, public=options["public"])
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
