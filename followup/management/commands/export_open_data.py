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
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every collectivity, each in its own folder DIR/<slug>/ (several on one installation).",
        )

    def handle(self, *args, output=None, collectivity=None, all=False, **options):
        directory = output or settings.MITHAQ_OPEN_DATA_DIR
        if all:
            for each in org_selectors.collectivity_all():
                for name in opendata.export(each, f"{directory}/{each.slug}"):
                    self.stdout.write(f"{directory}/{each.slug}/{name}")
            return
        found = (
            org_selectors.collectivity_get(slug=collectivity)
            if collectivity
            else org_selectors.collectivity_default()
        )
        if found is None:
            raise CommandError("No such collectivity.")
        for name in opendata.export(found, directory):
            self.stdout.write(f"{directory}/{name}")
