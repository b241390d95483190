"""/api/v1/meetings/ and /api/v1/associations/ refuse numbers past the database's integers with a
400 or a 404 (schemathesis found a 500 on PostgreSQL), nothing else."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = "3360602983183806954894744835063808"


def test_a_huge_committee_filter_is_a_400(api_client, world):
    for value in (HUGE, f"-{HUGE}", "0"):
        response = api_client.get("/api/v1/meetings/", {"committee": value})
        assert response.status_code == 400, value
        assert response.json()["error"]


@pytest.mark.parametrize("path", ["/api/v1/meetings/{}/", "/api/v1/associations/{}/"])
def test_a_huge_id_is_a_404(api_client, world, path):
    response = api_client.get(path.format(HUGE))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
