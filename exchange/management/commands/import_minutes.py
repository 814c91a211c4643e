"""`manage.py import_minutes`: legacy minutes (.txt, .pdf) and exchange files (.json), given as
files or folders."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from exchange.service import PARALLEL_FROM_FILES, FileReport, import_files

SUFFIXES = {".txt", ".pdf", ".json"}


class Command(BaseCommand):
    help = (
        "Importerer referater fra .txt-, .pdf- og .json-filer (udvekslingsformatet referat/1). "
        "Hver fil er én transaktion; en fil der fejler, efterlader intet og de andre fortsætter."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", help="filer eller mapper")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = []
        for raw in options["paths"]:
            path = Path(raw)
            if path.is_dir():
                files.extend(
                    sorted(
                        p for p in path.iterdir() if p.suffix.lower() in {".txt", ".pdf", ".json"}
                    )
                )
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
            progress=show,
            parallel=len(files) >= PARALLEL_FROM_FILES,
        )
        failed = [r for r in reports if not r.ok]
        items = sum(r.items for r in reports)
        self.stdout.write(
            f"{len(reports) - len(failed)} af {len(reports)} filer importeret, {items} punkter."
        )
        if failed:
            raise CommandError(f"{len(failed)} fil(er) kunne ikke importeres.")
