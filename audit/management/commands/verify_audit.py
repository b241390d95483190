from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from audit.chain import DECISION_FIELDS
from audit.digest import verify_digests
from audit.verify import Subject, verify_all


class Command(BaseCommand):
    help = (
        "Recompute every case's audit chain and compare its decision fields with the case; check "
        "every published digest (signature, key, link to the digest before, value recomputed from "
        "the chains). Exit non-zero naming each broken case or digest."
    )

    def handle(self, *args, **options):
        Case = apps.get_model("cases", "Case")
        rows = (
            Case.objects.order_by("id")
            .values_list("id", "reference", "audit_head", "audit_count", "state", *DECISION_FIELDS)
            .iterator(chunk_size=2000)
        )
        subjects = (
            Subject(
                id=i,
                label=ref,
                head=head,
                count=count,
                state=state,
                initial_state="draft",
                decision=dict(zip(DECISION_FIELDS, decision, strict=True)),
            )
            for i, ref, head, count, state, *decision in rows
        )
        checked = Case.objects.count()
        chain_problems = [str(p) for p in verify_all(subjects)]
        digest_problems, digests = verify_digests()
        problems = chain_problems + [str(p) for p in digest_problems]
        for problem in problems:
            self.stderr.write(problem)
        if chain_problems:
            raise CommandError(
                f"Audit chain broken: first broken entry: {chain_problems[0]} ({len(chain_problems)} case(s) "
                f"affected"
                f"{f', {len(digest_problems)} digest problem(s)' if digest_problems else ''})"
            )
        if digest_problems:
            raise CommandError(
                f"Audit digests contradict the chains: {problems[0]} ({len(digest_problems)} problem(s))"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chains intact: {checked} case(s) verified; {digests} published digest(s) verified."
            )
        )
