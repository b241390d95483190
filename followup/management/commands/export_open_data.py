"""manage.py export_open_data --output DIR (docs/domain.md §11): the files of /open-data/."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from followup import opendata
from organisation import selectors as org_selectors


class Command(BaseCommand):
    help = "Write cases.csv, cases.json, decisions.csv, timeline.csv, indicators.json and datapackage.json."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None, help="Directory (default: MITHAQ_OPEN_DATA_DIR).")
        parser.add_argument("--collectivity", default=None, help="Collectivity slug (default: the portal's).")

    def handle(self, *args, output=None, collectivity=None, **options):
        found = (
            org_selectors.collectivity_get(slug=collectivity)
            if collectivity
            else org_selectors.collectivity_default()
        )
        if found is None:
            raise CommandError("No such collectivity.")
        directory = output or settings.MITHAQ_OPEN_DATA_DIR
        for name in opendata.export(found, directory):
            self.stdout.write(f"{directory}/{name}")
