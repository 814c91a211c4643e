"""`manage.py import_minutes`: legacy minutes (.txt, .pdf) and exchange files (.json), given as
files or folders.

The minutes come in as drafts (kladde), as from the secretary's upload page: an import never
makes minutes official by itself. `--archive --user BRUGERNAVN` is the explicit way to bring
in minutes that were approved and published before the system (the municipality's archive):
they come in published with their decisions locked, and each meeting records a transition
"Importeret som arkiv" by that user with the file's name and SHA-256. The user must be a
secretary of the bodies imported, or a superuser; running the command takes access to the
server as well, so an archive import needs both.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from exchange.service import PARALLEL_FROM_FILES, FileReport, import_files
from meetings.access import bodies_user_may_import, user_may_import

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The files of a folder that are read (which adapter reads one is decided by its content).
SUFFIXES = {".txt", ".pdf", ".json", ".xml", ".html", ".htm"}


class Command(BaseCommand):
    help = (
        "Importerer referater og dagsordener fra .txt-, .pdf-, .xml-, .html- og .json-filer "
        "(FirstAgenda, Acadre, eDoc, SBSYS og udvekslingsformatet referat/1) "
        "som kladder, der skal godkendes og offentliggøres. Med --archive --user BRUGERNAVN "
        "importeres de som arkiv: offentliggjort med låste beslutninger, registreret med "
        "brugeren, filen og dens SHA-256. Hver fil er én transaktion; en fil der fejler, "
        "efterlader intet og de andre fortsætter."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", help="filer eller mapper")
        parser.add_argument(
            "--archive",
            action="store_true",
            help="importér som arkiv: offentliggjort og låst (kræver --user)",
        )
        parser.add_argument(
            "--user",
            metavar="BRUGERNAVN",
            help="den sekretær eller superbruger, importen registreres på",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive_by: User | None = None
        allowed: set[str] | None = None
        history: dict[str, Any] | None = None
        if options["user"]:
            user = self._user(options["user"])
            allowed = bodies_user_may_import(user)
            history = {"user": user.pk, "service": "import_minutes"}
            if options["archive"]:
                archive_by = user
        elif options["archive"]:
            raise CommandError(
                "--archive kræver --user BRUGERNAVN: et arkiv offentliggøres i en navngiven "
                "sekretærs navn, med filen og dens kontrolsum."
            )

        files: list[Path] = []
        for raw in options["paths"]:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{raw}: filen findes ikke.")

        def show(_index: int, report: FileReport) -> None:
            style = self.style.SUCCESS if report.ok else self.style.ERROR
            self.stdout.write(style(report.summary()))

        # The files are read as the import gets to them, not all at once.
        reports = import_files(
            ((p.name, p.read_bytes()) for p in files),
            allowed_bodies=allowed,
            progress=show,
            parallel=len(files) >= PARALLEL_FROM_FILES,
            history=history,
            archive_by=archive_by,
        )
        failed = [r for r in reports if not r.ok]
        items = sum(r.items for r in reports)
        self.stdout.write(
            f"{len(reports) - len(failed)} af {len(reports)} filer importeret, {items} punkter."
        )
        if failed:
            raise CommandError(f"{len(failed)} fil(er) kunne ikke importeres.")

    def _user(self, username: str) -> User:
        """The named user, who must be active and a secretary of some body or a superuser."""
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Brugeren “{username}” findes ikke.")
        if not user.is_active:
            raise CommandError(f"Brugeren “{username}” er deaktiveret.")
        if not user_may_import(user):
            raise CommandError(
                f"Brugeren “{username}” er hverken sekretær for et organ eller superbruger og "
                "kan ikke importere referater."
            )
        return user
