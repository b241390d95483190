"""`manage.py import_associations FILE.csv|xlsx [--collectivity SLUG] [--as USERNAME]`: load the
registry of associations. All or nothing: one bad row and nothing is imported, each bad row named."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from organisation import associations
from organisation.selectors import collectivity_default, collectivity_get


class Command(BaseCommand):
    help = "Import the registry of associations from a CSV or XLSX sheet (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV or XLSX sheet")
        parser.add_argument("--collectivity", help="slug of the collectivity (default: the portal's)")
        parser.add_argument("--as", dest="username", help="account that imports (default: a superuser)")

    def handle(self, *args, **options):
        slug = options.get("collectivity")
        collectivity = collectivity_get(slug=slug) if slug else collectivity_default()
        if collectivity is None:
            raise CommandError(f"No such collectivity: {slug or '(none configured)'}")
        User = get_user_model()
        if options.get("username"):
            actor = User.objects.filter(username=options["username"], is_active=True).first()
        else:
            actor = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
        if actor is None:
            raise CommandError("No account to import as: pass --as USERNAME.")
        try:
            with open(options["file"], "rb") as stream:
                content = stream.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror or exc}") from exc
        try:
            result = associations.associations_import(
                actor=actor, collectivity=collectivity, content=content, filename=options["file"]
            )
        except DomainError as exc:
            lines = [str(exc.message)] + [str(m) for msgs in exc.field_errors.values() for m in msgs]
            raise CommandError("Nothing imported: " + "\n  ".join(lines)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} rows: {result.created} associations created, {result.updated} updated."
            )
        )
