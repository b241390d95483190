"""`manage.py load_collectivities FILE.csv|xlsx [--dry-run]`: load the official list of collectivities
(organisation/territory.py). All or nothing: one bad row and nothing is written, each bad row named."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.sheets import read_table
from organisation import territory


class Command(BaseCommand):
    help = (
        "Load the official list of collectivities (CSV or XLSX: slug, code, official_code, name_ar, "
        "name_fr, kind, province, region, population, has_arrondissements). Safe to run again: a "
        "collectivity already there (same slug) is updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV or XLSX sheet")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            with open(path, "rb") as stream:
                content = stream.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        try:
            rows = read_table(
                content,
                path,
                max_rows=territory.MAX_ROWS,
                wrong_type=_("Send a CSV or XLSX file."),
            )
            report = territory.load(rows, dry_run=options["dry_run"])
        except DomainError as exc:
            raise CommandError(f"Nothing written: {exc.message}") from exc
        except territory.RefusedFile as exc:
            lines = [_("Row %(row)d: %(reason)s") % {"row": e.row, "reason": e.message} for e in exc.errors]
            raise CommandError("Nothing written:\n  " + "\n  ".join(lines)) from exc
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} collectivities {verb} created, {len(report.updated)} updated"
                + (" (dry run: nothing written)." if report.dry_run else ".")
            )
        )
