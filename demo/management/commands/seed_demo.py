"""`manage.py seed_demo [--password P]`: the Demnate demo (docs/domain.md §11), idempotent."""

from django.core.management.base import BaseCommand, CommandError

from audit.digest import publish_recent
from cases import states as S
from demo import data as demo
from demo.loader import read
from demo.territory import seed_collectivities
from participation.demo import seed_bodies, seed_meetings


class Command(BaseCommand):
    help = (
        "Seed the Commune of Demnate demo: organisation, one user per role group, and back-dated "
        "cases of every kind in every state. Safe to run again: nothing is duplicated and the demo "
        "users' passwords are reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=demo.DEFAULT_PASSWORD,
            help=f"password of every demo user (default: {demo.DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--collectivities",
            type=int,
            default=0,
            metavar="N",
            help="also seed N generated collectivities (regions, provinces, communes) beside Demnate",
        )

    def handle(self, *args, **options):
        password = options["password"]
        if not password:
            raise CommandError("The password cannot be empty.")
        extra = options.get("collectivities") or 0
        if not 0 <= extra <= 20_000:
            raise CommandError("--collectivities takes a number between 0 and 20000.")
        try:
            report = demo.seed_demo(password=password, log=self.stdout.write)
        except demo.SeedError as exc:
            raise CommandError(str(exc)) from exc

        c = report.collectivity
        if report.already_seeded:
            self.stdout.write(
                self.style.WARNING(
                    f"The demo is already seeded for {c.name_fr} ({c.slug}): nothing added; "
                    "the demo users' passwords were reset."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Seeded {c.name_fr} ({c.slug}): {report.created_cases} case(s) added.")
            )
        self._counts(report)
        meetings = seed_meetings(collectivity=c)
        if meetings:
            self.stdout.write(f"Meetings: {meetings} added (attendance and evaluation counts, calendar).")
        bodies = seed_bodies(collectivity=c, data=read("bodies.json"))
        if bodies:
            self.stdout.write("Charter bodies: " + ", ".join(f"{k} {v}" for k, v in bodies.items()) + ".")
        # README: audit integrity: the demo shows signed daily digests without Celery beat.
        digests = publish_recent(days=7)
        if digests:
            self.stdout.write(f"Published {len(digests)} signed audit digest(s), up to {digests[-1].day}.")
        if extra:
            added = seed_collectivities(extra)
            self.stdout.write(
                f"Generated collectivities: {extra} asked, "
                + ", ".join(f"{v} {k}" for k, v in added.items())
                + " added."
            )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {report.password}): " + ", ".join(report.users))
        if report.example:
            reference, code = report.example
            self.stdout.write(
                f"Tracking page example: reference {reference}, tracking code {code} (shown once)"
            )
        self.stdout.write(f"Done in {report.seconds:.1f} s.")

    def _counts(self, report):
        kinds = list(report.counts)
        states = [s for s in S.ALL_STATES if any(report.counts[k][s] for k in kinds)]
        width = max(len(s) for s in S.ALL_STATES)
        short = {
            "petition": "pet",
            "proposal": "pro",
            "advisory_opinion": "opinion",
            "children_recommendation": "children",
        }
        header = f"{'state':<{width}} " + " ".join(f"{short.get(k, k):>8}" for k in kinds) + f" {'total':>6}"
        self.stdout.write(header)
        for state in states:
            row = [report.counts[k][state] for k in kinds]
            self.stdout.write(f"{state:<{width}} " + " ".join(f"{n:>8}" for n in row) + f" {sum(row):>6}")
        totals = [sum(report.counts[k].values()) for k in kinds]
        self.stdout.write(f"{'total':<{width}} " + " ".join(f"{n:>8}" for n in totals) + f" {sum(totals):>6}")
