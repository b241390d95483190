"""`manage.py import_attendance MEETING FILE [--as USERNAME]`: count an attendance sheet (CSV or
XLSX) into the meeting's attendance; the sheet's names are not kept (Law 09-08). A bad sheet
imports nothing and every bad row is named."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from participation import services
from participation.models import Meeting


class Command(BaseCommand):
    help = "Count an attendance sheet (CSV or XLSX) into a meeting's attendance figures."

    def add_arguments(self, parser):
        parser.add_argument("meeting", type=int, help="id of the meeting (shown on its staff page)")
        parser.add_argument("file", help="path of the CSV or XLSX attendance sheet")
        parser.add_argument("--as", dest="username", help="account that imports (default: a superuser)")

    def handle(self, *args, **options):
        meeting = Meeting.objects.filter(pk=options["meeting"]).first()
        if meeting is None:
            raise CommandError(f"No such meeting: {options['meeting']}")
        actor = self._actor(options.get("username"))
        try:
            with open(options["file"], "rb") as stream:
                content = stream.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror or exc}") from exc
        try:
            counted = services.attendance_import(
                actor=actor, meeting=meeting, content=content, filename=options["file"]
            )
        except DomainError as exc:
            lines = [str(exc.message)] + [str(m) for msgs in exc.field_errors.values() for m in msgs]
            raise CommandError("Nothing imported: " + "\n  ".join(lines)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Counted {counted} participants for meeting {meeting.pk}; names not kept.")
        )

    def _actor(self, username):
        User = get_user_model()
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user named {username}.")
            return actor
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
        if actor is None:
            raise CommandError("No superuser: name the importing account with --as USERNAME.")
        return actor
