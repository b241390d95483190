"""`manage.py import_cases FILE.csv|xlsx --as USERNAME [--collectivity SLUG] [--dry-run] [--skip-invalid]`:
a commune's past petitions and proposals, played through the services with their real dates
(README: bringing a commune's past in)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from backfill.importer import COLUMNS, ImportFatal, import_cases, read_file
from organisation.models import Collectivity
from organisation.selectors import default_collectivity


class Command(BaseCommand):
    help = (
        "Import past petitions and proposals from a CSV or XLSX file through the services, with their "
        "real dates, states and decisions. Every row is checked; nothing is kept if any row fails "
        "(unless --skip-invalid), and --dry-run keeps nothing. Columns: " + ", ".join(COLUMNS)
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file, one case per row")
        parser.add_argument("--as", dest="username", required=True, help="the bureau member importing")
        parser.add_argument("--collectivity", help="the collectivity's slug (default: the default one)")
        parser.add_argument("--dry-run", action="store_true", help="check and play every row, keep nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="keep the valid rows even if some rows fail"
        )

    def handle(self, *args, **options):
        # The file's messages are for the clerk at the terminal: the project's default language.
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        User = get_user_model()
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {options['username']!r}.")
        if options["collectivity"]:
            collectivity = Collectivity.objects.filter(slug=options["collectivity"]).first()
            if collectivity is None:
                raise CommandError(f"No collectivity {options['collectivity']!r}.")
        else:
            collectivity = default_collectivity()
        with translation.override(actor.language or None):
            try:
                with path.open("rb") as stream:
                    rows = read_file(stream, path.name)
                report = import_cases(
                    collectivity=collectivity,
                    actor=actor,
                    rows=rows,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                    source=path.name,
                )
            except ImportFatal as exc:
                raise CommandError(f"Nothing imported: {exc}") from exc
            for error in report.errors:
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"row {error.row}{column}: {error.message}")
        for row, number in report.skipped:
            self.stdout.write(f"row {row}: {number} already imported, skipped")
        valid, bad = report.valid, len({e.row for e in report.errors})
        if report.dry_run:
            self.stdout.write(
                f"Dry run: {valid} row(s) would be imported, {bad} row(s) with errors; nothing kept."
            )
        elif report.kept:
            self.stdout.write(
                self.style.SUCCESS(f"Imported {valid} case(s); {bad} row(s) with errors left out.")
            )
        elif bad:
            raise CommandError(
                f"{bad} row(s) with errors: nothing imported. Fix them (--dry-run lists every error), "
                "or keep the valid rows with --skip-invalid."
            )
        else:
            self.stdout.write("Nothing to import.")
