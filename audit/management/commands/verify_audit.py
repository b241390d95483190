from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from audit.verify import Subject, verify_all


class Command(BaseCommand):
    help = "Recompute every case's audit chain; exit non-zero naming the first broken entry."

    def handle(self, *args, **options):
        Case = apps.get_model("cases", "Case")
        rows = (
            Case.objects.order_by("id")
            .values_list("id", "reference", "audit_head", "audit_count", "state")
            .iterator(chunk_size=2000)
        )
        subjects = (
            Subject(id=i, label=ref, head=head, count=count, state=state, initial_state="draft")
            for i, ref, head, count, state in rows
        )
        checked = Case.objects.count()
        problems = []
        for problem in verify_all(subjects):
            problems.append(problem)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Audit chain broken: first broken entry: {problems[0]} ({len(problems)} case(s) affected)")
        self.stdout.write(self.style.SUCCESS(f"Audit chains intact: {checked} case(s) verified."))
