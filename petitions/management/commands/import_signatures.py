"""`manage.py import_signatures REFERENCE FILE.csv [--as USERNAME]`: paper signatures of a petition
(docs/domain.md §11), through petitions.signatures.signatures_import_csv. Prints the accepted count and every
rejected row with its reason; a wrong header or an unreadable file imports nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases import selectors
from core.errors import DomainError
from petitions import signatures


class Command(BaseCommand):
    help = (
        "Import the paper signatures of a petition from a UTF-8 CSV file whose first line is "
        "full_name,cnie,address,link. Duplicates and malformed rows are reported, row by row."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="reference of the petition, e.g. DMN-PET-2026-0007")
        parser.add_argument("file", help="path of the CSV file")
        parser.add_argument(
            "--as",
            dest="username",
            help="user who imports (the petition's agent or a reception desk account; default: the agent)",
        )

    def handle(self, *args, **options):
        reference = options["reference"].strip().upper()
        case = selectors.case_get(reference=reference)
        if case is None:
            raise CommandError(f"No such case: {reference}")
        actor = self._actor(case, options.get("username"))
        try:
            with open(options["file"], "rb") as stream:
                content = stream.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror or exc}") from exc
        try:
            result = signatures.signatures_import_csv(actor=actor, case=case.reference, stream=content)
        except DomainError as exc:
            raise CommandError(f"Nothing imported: {exc.detail}") from exc

        self.stdout.write(self.style.SUCCESS(f"Accepted: {result.accepted}"))
        self.stdout.write(f"Rejected: {len(result.rejected)}")
        for rejection in result.rejected:
            # Rows count from the first line after the header, so row N is line N + 1 of the file.
            self.stdout.write(
                f"  row {rejection.row} (line {rejection.row + 1}): {rejection.reason} [{rejection.code}]"
            )
        self.stdout.write(f"Valid signatures of {case.reference} now: {result.signature_count}")

    def _actor(self, case, username):
        User = get_user_model()
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user named {username}.")
            return actor
        if case.submitter_id is None:
            raise CommandError(
                "This petition has no online agent: name the importing account with --as USERNAME."
            )
        return case.submitter
