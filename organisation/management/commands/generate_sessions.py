from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import DomainError
from organisation import services as org_services
from organisation.models import Collectivity


class Command(BaseCommand):
    help = "Create the ordinary council sessions of a year from each collectivity's session months."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="default: this year and the next")
        parser.add_argument("--collectivity", default=None, help="slug; default: every collectivity")

    def handle(self, *args, year=None, collectivity=None, **options):
        years = [year] if year else [timezone.localdate().year, timezone.localdate().year + 1]
        qs = Collectivity.objects.all()
        if collectivity:
            qs = qs.filter(slug=collectivity)
            if not qs.exists():
                raise CommandError(f"No collectivity with slug {collectivity!r}.")
        for c in qs:
            for y in years:
                try:
                    created = org_services.session_calendar_generate(collectivity=c, year=y)
                except DomainError as exc:
                    raise CommandError(exc.detail) from None
                for session in created:
                    self.stdout.write(f"{c.slug}: ordinary session on {session.date.isoformat()}")
        self.stdout.write(self.style.SUCCESS("Session calendar up to date."))
