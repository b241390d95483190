"""Assertions shared by the API tests."""


def assert_error(response, status: int, code: str | None = None) -> dict:
    """Every refusal of the API has the same shape: {"error": code, "detail": message}."""
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body.get("error"), str) and body["error"]
    assert isinstance(body.get("detail"), str) and body["detail"].strip()
    if code is not None:
        assert body["error"] == code, body
    return body
