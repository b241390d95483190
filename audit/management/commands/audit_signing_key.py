from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from audit import signing


class Command(BaseCommand):
    help = (
        "Print a new Ed25519 key for MITHAQ_AUDIT_SIGNING_KEY and its public key, or (--show) the "
        "public key and key id of the configured one. README: audit integrity."
    )

    def add_arguments(self, parser):
        parser.add_argument("--show", action="store_true", help="show the configured key's public half")

    def handle(self, *args, show=False, **options):
        if show:
            try:
                public = signing.current_key()
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"key id: {public.key_id}\npublic key: {public.public_key}")
            return
        private, public = signing.generate()
        self.stdout.write(f"MITHAQ_AUDIT_SIGNING_KEY={private}")
        self.stdout.write(f"# key id: {public.key_id}  public key: {public.public_key}")
        self.stderr.write("Keep the private key secret and backed up: whoever holds it can sign digests.")
