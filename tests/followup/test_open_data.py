"""Open data: every file of datapackage.json exists and matches its schema, the API and the files
agree, the files are streamed, and no personal data leaves (Law 09-08)."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command

from followup import opendata, tasks
from tests.followup.conftest import CITIZEN_NAME, PAPER_CONTACT, PAPER_FILER


@pytest.fixture
def exported(commune, world, tmp_path):
    petition = world.case_in("submitted", "petition")  # 100 signatories: "Signataire i", CNIE JK1000xx
    call_command("export_open_data", "--output", str(tmp_path), stdout=io.StringIO())
    return {"dir": tmp_path, "petition": petition}


def _check_value(kind: str, text: str) -> None:
    if text == "":
        return
    if kind == "integer":
        int(text)
    elif kind == "boolean":
        assert text in ("true", "false"), text
    elif kind == "date":
        datetime.date.fromisoformat(text)
    elif kind == "datetime":
        assert datetime.datetime.fromisoformat(text).tzinfo is not None, text


def test_datapackage_describes_every_file(exported):
    directory = exported["dir"]
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert {"name", "resources", "profile"} <= set(package)
    paths = [r["path"] for r in package["resources"]]
    assert sorted(paths) == sorted(set(opendata.FILES) - {"datapackage.json"})
    for resource in package["resources"]:
        assert {"name", "path", "format", "mediatype"} <= set(resource)
        path = directory / resource["path"]
        assert path.exists(), resource["path"]
        if resource["format"] != "csv":
            json.loads(path.read_text(encoding="utf-8"))
            continue
        fields = resource["schema"]["fields"]
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        assert rows[0] == [f["name"] for f in fields]
        assert len(rows) > 1
        for row in rows[1:]:
            assert len(row) == len(fields)
            for field, value in zip(fields, row, strict=True):
                _check_value(field["type"], value)


def test_cases_csv_and_json_agree(exported):
    directory = exported["dir"]
    rows = list(csv.DictReader((directory / "cases.csv").open(encoding="utf-8", newline="")))
    data = json.loads((directory / "cases.json").read_text(encoding="utf-8"))
    assert [r["reference"] for r in rows] == [d["reference"] for d in data]
    assert len(data) == 10  # A..I and the petition; no draft
    decisions = list(csv.DictReader((directory / "decisions.csv").open(encoding="utf-8", newline="")))
    assert sorted(d["decision"] for d in decisions) == ["adopted"] * 4 + ["rejected"] * 2
    assert all(d["justification"] for d in decisions)


def test_timeline_is_the_public_audit_history(exported, commune):
    rows = list(csv.DictReader((exported["dir"] / "timeline.csv").open(encoding="utf-8", newline="")))
    a = [r for r in rows if r["reference"] == commune["A"].reference]
    assert [r["transition"] for r in a] == [
        "submit",
        "start_review",
        "refer_to_committee",
        "report",
        "schedule",
        "adopt",
        "plan_implementation",
        "complete",
    ]
    assert a[5]["justification"] and a[5]["to_state"] == "adopted"


def test_indicators_file_agrees_with_the_api(exported, api_client):
    in_file = json.loads((exported["dir"] / "indicators.json").read_text(encoding="utf-8"))
    from_api = api_client.get("/api/v1/indicators/").json()
    assert in_file == from_api


def test_no_personal_data_in_any_file(exported, world, client):
    from petitions.models import Signature

    secrets = [
        PAPER_FILER,
        PAPER_CONTACT,
        *CITIZEN_NAME,
        "Signataire",
        "JK1000",
        "Derb 1, Demnate",
        "@example.org",
    ]
    assert Signature.objects.filter(case=exported["petition"]).count() == 100
    for name in opendata.FILES:
        text = (exported["dir"] / name).read_text(encoding="utf-8")
        served = b"".join(client.get(f"/open-data/{name}").streaming_content).decode()
        for content in (text, served):
            for secret in secrets:
                assert secret not in content, (name, secret)
    assert world["citizen"].get_full_name() == " ".join(CITIZEN_NAME)


def test_files_are_served_streamed(exported, client):
    page = client.get("/open-data/")
    assert page.status_code == 200
    for name in opendata.FILES:
        assert f"/open-data/{name}" in page.content.decode()
        response = client.get(f"/open-data/{name}")
        assert response.status_code == 200 and response.streaming
        body = b"".join(response.streaming_content)
        if name == "indicators.json" or name == "datapackage.json":
            continue
        assert body == (exported["dir"] / name).read_bytes()
    assert client.get("/open-data/secrets.csv").status_code == 404


def test_daily_task_writes_the_snapshot(commune, settings, tmp_path):
    settings.MITHAQ_OPEN_DATA_DIR = str(tmp_path / "snapshot")
    assert tasks.export_open_data() == len(opendata.FILES)
    assert sorted(p.name for p in (tmp_path / "snapshot").iterdir()) == sorted(opendata.FILES)
    assert "followup-open-data-daily" in settings.CELERY_BEAT_SCHEDULE


def test_licence_comes_from_the_setting(commune, world, settings):
    settings.MITHAQ_OPEN_DATA_LICENSE = "ODbL-1.0"
    assert opendata.datapackage(world.collectivity)["licenses"][0]["name"] == "ODbL-1.0"


def test_decisions_carry_the_members_present_and_the_convocation(commune, world, tmp_path):
    """OL 113-14 art. 42: a session decision gives its members present and convocation, in columns
    appended after the first release's; the president's ruling without a session leaves them empty."""
    from cases import services
    from tests.factories import JUSTIFICATION

    ruled = services.case_transition(
        actor=world["president"],
        case=world.case_in("reported", kind="proposal"),
        name="adopt",
        data={"justification": JUSTIFICATION},
    )
    second = services.case_transition(
        actor=world["secretariat"],
        case=world.case_in("on_agenda", kind="proposal"),
        name="adopt",
        data=dict(world.payload_for("adopt"), convocation="second"),
    )
    call_command("export_open_data", "--output", str(tmp_path), stdout=io.StringIO())
    path = tmp_path / "decisions.csv"
    header = next(csv.reader(path.open(encoding="utf-8", newline="")))
    assert header[:12] == [
        "reference",
        "kind",
        "decision",
        "state",
        "decided_at",
        "by_president",
        "deliberation_number",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "reason_code",
        "justification",
    ]
    assert header[12:] == ["members_present", "convocation"]
    rows = {r["reference"]: r for r in csv.DictReader(path.open(encoding="utf-8", newline=""))}
    a = rows[commune["A"].reference]
    assert (a["by_president"], a["votes_for"], a["members_present"], a["convocation"]) == (
        "false",
        "15",
        "22",
        "first",
    )
    on_second = rows[second.reference]
    assert (on_second["members_present"], on_second["convocation"]) == ("22", "second")
    president = rows[ruled.reference]
    assert president["by_president"] == "true"
    assert (president["votes_for"], president["members_present"], president["convocation"]) == ("", "", "")
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r for r in package["resources"] if r["path"] == "decisions.csv")["schema"]
    assert [f["name"] for f in schema["fields"]] == header
    assert {f["name"]: f["type"] for f in schema["fields"]}["members_present"] == "integer"
