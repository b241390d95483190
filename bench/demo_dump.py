"""A canonical JSON dump of a database seeded by `manage.py seed_demo`, to prove that a change to
the demo (demo/) leaves the seeded cases exactly as they were (issue 9: `seed_demo` produces the
same cases).

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 MEDIA_ROOT=/tmp/demo-media \
        .venv/bin/python bench/demo_dump.py /tmp/demo.json

Every row of every model the seeding writes (the organisation, users and their groups, cases,
their history tables, audit chains, signatures, attachments, outbox, clocks...), ordered by
primary key, every field included except the few that differ between two runs of the same code
(VOLATILE: salted password hashes, random tracking codes, wall-clock stamps, encrypted values).
Prints a SHA-256 of the dump.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402

APPS = ("accounts", "organisation", "cases", "petitions", "audit", "notifications", "clocks", "workflows")
# Fields that two runs of the same code on fresh databases write differently: filled in from an
# empirical diff of two dumps (see the module docstring), each with its reason.
VOLATILE = {
    "*": {"password", "history_date"},  # a salted hash; django-simple-history stamps the wall clock
    "accounts.User": {"date_joined"},  # wall clock
    "audit.AuditDigest": {"created_at"},  # wall clock (the digest and its signature are compared)
    "audit.AuditSigningKey": {"first_used_at"},  # wall clock
    "cases.Case": {"tracking_code_hash"},  # the tracking code is random (shown once)
    "cases.HistoricalCase": {"tracking_code_hash"},
    "petitions.Signature": {"cnie_encrypted"},  # Fernet: a random IV per value
    "workflows.CaseProcess": {"created", "finished"},  # viewflow stamps the wall clock
}


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return hashlib.sha256(bytes(value)).hexdigest()
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name
    return value


def _rows(model) -> list[dict]:
    skip = VOLATILE["*"] | VOLATILE.get(model._meta.label, set())
    fields = [f for f in model._meta.concrete_fields if f.name not in skip]
    m2m = [f for f in model._meta.many_to_many if f.name not in skip]
    out = []
    for obj in model._default_manager.order_by("pk"):
        row = {f.attname: _value(getattr(obj, f.attname)) for f in fields}
        for f in m2m:
            row[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
        out.append(row)
    return out


def dump() -> dict:
    models = [m for label in APPS for m in apps.get_app_config(label).get_models()]
    data = {m._meta.label: _rows(m) for m in sorted(models, key=lambda m: m._meta.label)}
    data["auth.Group"] = [{"name": g.name} for g in Group.objects.order_by("name")]
    return data


def main() -> None:
    text = json.dumps(dump(), ensure_ascii=False, indent=1, sort_keys=True, default=str)
    Path(sys.argv[1]).write_text(text + "\n", encoding="utf-8")
    print(hashlib.sha256(text.encode()).hexdigest(), sys.argv[1])


if __name__ == "__main__":
    main()
