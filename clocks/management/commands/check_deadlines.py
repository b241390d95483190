from django.core.management.base import BaseCommand

from clocks.reminders import check_deadlines


class Command(BaseCommand):
    help = "Send the day's deadline reminders and escalations (each once per case, state and threshold)."

    def handle(self, *args, **options):
        summary = check_deadlines()
        self.stdout.write(self.style.SUCCESS(f"Deadlines checked: {summary}."))
