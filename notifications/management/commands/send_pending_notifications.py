from django.core.management.base import BaseCommand

from notifications.services import outbox_sweep


class Command(BaseCommand):
    help = "Deliver pending outbox events here and now (the sweep, without a broker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also events whose next attempt is not due yet (after fixing the mail server, say).",
        )

    def handle(self, *args, **options):
        total = 0
        while True:
            count = outbox_sweep(inline=True, due_only=not options["all"])
            total += count
            if count == 0 or options["all"]:
                break
        self.stdout.write(f"{total} event(s) processed.")
