from django.core.management.base import BaseCommand, CommandError

from workflows.invariant import violations


class Command(BaseCommand):
    help = "Check that every open case has exactly one active task owned by the role that must act."

    def handle(self, *args, **options):
        found = list(violations())
        for violation in found:
            self.stderr.write(str(violation))
        if found:
            raise CommandError(f"{len(found)} workflow invariant violation(s).")
        self.stdout.write(self.style.SUCCESS("Workflow invariant holds for every case."))
