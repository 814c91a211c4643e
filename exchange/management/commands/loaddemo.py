"""`manage.py loaddemo`: the demo body, users, sample minutes and pools."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from exchange.demo import DEFAULT_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Opretter demo-data: Direktionen, demo-brugerne og eksempler på referater."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="demo-brugernes kode")
        parser.add_argument("--no-minutes", action="store_true", help="opret kun organ og brugere")

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo(password=options["password"], with_minutes=not options["no_minutes"])
        self.stdout.write(f"Brugere: {', '.join(report.users)}")
        for meeting in report.meetings:
            self.stdout.write(f"Møde: {meeting}")
