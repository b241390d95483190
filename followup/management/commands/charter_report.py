"""manage.py charter_report --from --to --format html|csv|xlsx|pdf --output FILE (docs/domain.md §11).

The periodic charter report for [from, to) (the `to` day is not included), as the follow-up team's
staff page builds it, without commentary: the commentary is added on /staff/reports/ before
publishing. README: the report.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from core.pdf import PdfRenderingError
from followup import charter_report
from organisation import selectors as org_selectors


def _day(text: str, name: str):
    try:
        day = parse_date(text or "")
    except ValueError:
        day = None
    if day is None:
        raise CommandError(f"--{name}: give the date as YYYY-MM-DD.")
    return day


class Command(BaseCommand):
    help = "Write the periodic charter report for [--from, --to) as HTML, CSV, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", required=True, help="Day after the last, YYYY-MM-DD.")
        parser.add_argument("--format", dest="fmt", required=True, choices=charter_report.FORMATS)
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--lang", default="ar", choices=("ar", "fr"), help="Language (default: ar).")
        parser.add_argument("--collectivity", default=None, help="Collectivity slug (default: the portal's).")

    def handle(self, *args, date_from, date_to, fmt, output, lang, collectivity=None, **options):
        d_from, d_to = _day(date_from, "from"), _day(date_to, "to")
        if d_from >= d_to:
            raise CommandError("--from must come before --to.")
        if (d_to - d_from).days > 3660:
            raise CommandError("The period cannot be longer than ten years.")
        found = (
            org_selectors.collectivity_get(slug=collectivity)
            if collectivity
            else org_selectors.collectivity_default()
        )
        if found is None:
            raise CommandError("No such collectivity.")
        started = time.perf_counter()
        figures = charter_report.build_figures(found, d_from, d_to, limit=charter_report.limit_for(fmt))
        built = time.perf_counter()
        try:
            data = charter_report.render(figures, fmt, lang=lang)
        except PdfRenderingError as exc:
            raise CommandError(f"PDF printing is unavailable on this server: {exc}") from exc
        Path(output).write_bytes(data)
        self.stdout.write(
            f"{output}: {fmt}, {len(data)} bytes; figures {built - started:.2f} s, "
            f"{fmt} {time.perf_counter() - built:.2f} s."
        )
