import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from audit.digest import audit_digest_record, audit_digest_verify, compute


class Command(BaseCommand):
    help = "Publish the daily digest of every chain head (yesterday by default), or verify a published one."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--verify", metavar="DAY", help="recompute the digest of DAY and compare")
        parser.add_argument("--show", metavar="DAY", help="print the digest of DAY without publishing it")

    def handle(self, *args, day=None, verify=None, show=None, **options):
        if verify:
            d = self._day(verify)
            ok = audit_digest_verify(d)
            if ok is None:
                raise CommandError(f"No digest was published for {d}.")
            if not ok:
                raise CommandError(
                    f"The chains no longer match the digest published for {d}: history was rewritten."
                )
            self.stdout.write(self.style.SUCCESS(f"The digest of {d} still matches the chains."))
            return
        if show:
            digest, chains, entries = compute(self._day(show))
            self.stdout.write(f"{digest} ({chains} chains, {entries} entries)")
            return
        record = audit_digest_record(day=self._day(day) if day else None)
        self.stdout.write(
            self.style.SUCCESS(
                f"{record.day}: {record.digest} ({record.chains} chains, {record.entries} entries)"
            )
        )

    def _day(self, text: str) -> datetime.date:
        try:
            d = parse_date(text)
        except ValueError:
            d = None
        if d is None:
            raise CommandError("Give the day as YYYY-MM-DD.")
        return d
