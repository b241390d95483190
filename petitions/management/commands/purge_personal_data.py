"""`manage.py purge_personal_data [--dry-run]`: Law 09-08, signatories' personal data are deleted a
configurable time after the petition closes (Collectivity.personal_data_retention_days); the count
of signatures stays. Run it daily (cron or Celery beat)."""

from django.core.management.base import BaseCommand

from petitions import purge


class Command(BaseCommand):
    help = (
        "Delete the signatories' names, CNIE numbers, addresses and scanned lists of petitions closed "
        "longer than the retention period; the number of valid signatures is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be removed, remove nothing"
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        done = purge.personal_data_purge(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for reference, count in done:
            self.stdout.write(f"{reference}: {verb} {count} signature(s) and the scanned lists")
        total = sum(count for _reference, count in done)
        summary = f"{len(done)} petition(s), {total} signature(s) {verb}."
        self.stdout.write(self.style.WARNING(summary) if dry_run else self.style.SUCCESS(summary))
