"""`manage.py messages_check`: fail when the committed catalogues are stale (README: translations).

Extracts the messages into a copy of locale/ and compares: every message of the code must be in the
committed catalogues, translated and not fuzzy, and the catalogues must hold no message the code
no longer has. `make messages` brings them up to date."""

import os
import re
import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

LANGUAGES = ("ar", "fr")
# Catalogues that grow with review (settings.LANGUAGES beyond these): each entry must still be a
# message of the code (or one of Django's date names) and keep its placeholders; the rest of the
# messages fall back to Arabic.
PARTIAL = ("zgh",)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")
IGNORE = [".venv", "tests", "bench", "*/migrations/*", "node_modules"]


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text or "")}


def _partial_problems(lang: str, po, code: set) -> list[str]:
    problems = []
    for e in po:
        if e.obsolete:
            continue
        if (e.msgctxt, e.msgid) not in code and "Django's" not in (e.comment or ""):
            problems.append(f"{lang}: no longer in the code: {e.msgid!r}")
        translations = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        for text in translations:
            if text and _placeholders(text) != _placeholders(e.msgid):
                problems.append(f"{lang}: placeholders differ: {e.msgid!r}")
    return problems


def _keys(po) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in po if not e.obsolete}


class Command(BaseCommand):
    help = "Fail when the committed ar/fr catalogues are stale or incomplete (make messages fixes them)."

    def handle(self, *args, **options):
        committed = Path(settings.BASE_DIR) / "locale"
        problems: list[str] = []
        base = Path(settings.BASE_DIR)
        with tempfile.TemporaryDirectory() as tmp:
            # makemessages writes next to the files it reads: extract from a copy of the sources.
            project = Path(tmp) / "project"
            shutil.copytree(
                base, project, ignore=shutil.ignore_patterns(".venv", ".git", "media", "node_modules")
            )
            copy = project / "locale"
            cwd = os.getcwd()
            try:
                os.chdir(project)
                with override_settings(LOCALE_PATHS=[str(copy)]):
                    call_command(
                        "makemessages",
                        locale=list(LANGUAGES),
                        ignore_patterns=IGNORE,
                        no_obsolete=True,
                        verbosity=0,
                    )
            finally:
                os.chdir(cwd)
            for lang in LANGUAGES:
                name = f"{lang}/LC_MESSAGES/django.po"
                old, new = polib.pofile(str(committed / name)), polib.pofile(str(copy / name))
                missing, extra = _keys(new) - _keys(old), _keys(old) - _keys(new)
                problems += [f"{lang}: not in the catalogue: {m!r}" for _c, m in sorted(missing, key=str)]
                problems += [f"{lang}: no longer in the code: {m!r}" for _c, m in sorted(extra, key=str)]
                problems += [f"{lang}: untranslated: {e.msgid!r}" for e in old.untranslated_entries()]
                problems += [f"{lang}: fuzzy: {e.msgid!r}" for e in old.fuzzy_entries()]
            code = _keys(polib.pofile(str(copy / "ar/LC_MESSAGES/django.po")))
            for lang in PARTIAL:
                path = committed / f"{lang}/LC_MESSAGES/django.po"
                if path.exists():
                    problems += _partial_problems(lang, polib.pofile(str(path)), code)
        if problems:
            for p in problems[:50]:
                self.stderr.write(p)
            raise CommandError(f"{len(problems)} catalogue problem(s): run `make messages`, then translate.")
        self.stdout.write("The catalogues are up to date.")
