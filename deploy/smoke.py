"""Production smoke test, run by deploy/smoke.sh against a running gunicorn.

Fetches public pages anonymously, then logs in through the login form (CSRF token and all) as
demo users and fetches their pages. Every page must answer 200 itself (a redirect to the login
page is a failure), carry the Content-Security-Policy, and every static file it names must be
served. Requests carry `X-Forwarded-Proto: https` as nginx does (MITHAQ_BEHIND_PROXY=1), so the
production HTTPS settings stay as they are. Standard library only.

Usage: python deploy/smoke.py http://127.0.0.1:PORT [--password demo] [--min-pages 20]
"""

import argparse
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _BehindTLS(http.cookiejar.DefaultCookiePolicy):
    # Production cookies are Secure; nginx terminates TLS in front of gunicorn, which the smoke
    # test stands in for by sending X-Forwarded-Proto.
    def return_ok_secure(self, cookie, request):
        return True


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.host = urllib.parse.urlsplit(self.base).netloc
        self.jar = http.cookiejar.CookieJar(policy=_BehindTLS())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path, data=None, referer=None):
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "ar"}
        if data is not None:
            # Django checks the origin of HTTPS form posts (CSRF).
            headers["Origin"] = f"https://{self.host}"
            headers["Referer"] = f"https://{self.host}{referer or path}"
            data = urllib.parse.urlencode(data).encode()
        # The base URL is checked to be http(s) in main().
        req = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def login(self, username, password):
        status, _headers, html = self.request("/accounts/login/")
        if status != 200:
            raise SystemExit(f"login page answered {status}")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not token:
            raise SystemExit("login page has no CSRF token")
        status, headers, _html = self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
        )
        if status != 302 or "/accounts/login/" in headers.get("Location", ""):
            raise SystemExit(f"login as {username} failed: {status} {headers.get('Location', '')}")
        if not any(cookie.name == "sessionid" for cookie in self.jar):
            raise SystemExit(f"login as {username} set no session cookie")


class Smoke:
    def __init__(self, base):
        self.base = base
        self.checked = []
        self.failures = []
        self.static_seen = set()

    def page(self, client, who, path, expect_html=True):
        status, headers, body = client.request(path)
        self.checked.append((who, path, status))
        if status != 200:
            self.failures.append(f"{who} {path}: {status} {headers.get('Location', '')}")
            return ""
        policy = headers.get("Content-Security-Policy", "")
        if not policy or "unsafe-inline" in policy:
            self.failures.append(f"{who} {path}: Content-Security-Policy missing or unsafe: {policy!r}")
        if expect_html:
            if "<html" not in body:
                self.failures.append(f"{who} {path}: not an HTML page")
            self.static_seen.update(re.findall(r'(?:href|src)="(/static/[^"]+)"', body))
        return body

    def statics(self, client):
        for path in sorted(self.static_seen):
            status, headers, _body = client.request(path)
            self.checked.append(("static", path, status))
            if status != 200:
                self.failures.append(f"static {path}: {status}")
            # Manifest storage: every name the pages use carries its content hash.
            elif not re.search(r"\.[0-9a-f]{12}\.", path):
                self.failures.append(f"static {path}: served without a hashed name")
            elif "max-age=" not in headers.get("Cache-Control", ""):
                self.failures.append(f"static {path}: no long cache")


def _first(pattern, html, what):
    match = re.search(pattern, html)
    if not match:
        raise SystemExit(f"no {what} found")
    return match.group(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--min-pages", type=int, default=20)
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.base).scheme not in ("http", "https"):
        raise SystemExit("the base URL must be http:// or https://")
    smoke = Smoke(args.base)

    anonymous = Client(args.base)
    home = smoke.page(anonymous, "anonymous", "/")
    register = smoke.page(anonymous, "anonymous", "/register/")
    references = list(
        dict.fromkeys(re.findall(r'href="/register/([A-Z]+-[A-Z]+-\d{4}-\d+)/"', register + home))
    )
    if len(references) < 3:
        raise SystemExit(f"the register lists {len(references)} cases; seed_demo should have filed more")
    for reference in references[:3]:
        smoke.page(anonymous, "anonymous", f"/register/{reference}/")
    for path in (
        "/register/?page=2",
        "/track/",
        "/petitions/",
        "/audit/digests/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
        "/admin/login/",
    ):
        smoke.page(anonymous, "anonymous", path)
    for path in (
        "/api/v1/cases/",
        f"/api/v1/cases/{references[0]}/",
        "/api/v1/committees/",
        "/api/v1/rules/",
        "/api/v1/schema/",
    ):
        smoke.page(anonymous, "anonymous", path, expect_html=False)

    bureau = Client(args.base)
    bureau.login("bureau", args.password)
    cases = smoke.page(bureau, "bureau", "/staff/cases/")
    staff_refs = list(dict.fromkeys(re.findall(r'href="/staff/cases/([A-Z]+-[A-Z]+-\d{4}-\d+)/"', cases)))
    for reference in staff_refs[:3]:
        smoke.page(bureau, "bureau", f"/staff/cases/{reference}/")
    petitions = smoke.page(bureau, "bureau", "/staff/cases/?kind=petition")
    petition = _first(r'href="/staff/cases/([A-Z]+-PET-\d{4}-\d+)/"', petitions, "petition on the staff list")
    smoke.page(bureau, "bureau", f"/staff/cases/{petition}/")
    smoke.page(bureau, "bureau", f"/staff/cases/{petition}/signatures/")
    smoke.page(bureau, "bureau", "/staff/inbox/")
    smoke.page(bureau, "bureau", "/staff/inbox/archive/")
    sessions = smoke.page(bureau, "bureau", "/staff/sessions/")
    session = _first(r'href="/staff/sessions/(\d+)/"', sessions, "council session")
    smoke.page(bureau, "bureau", f"/staff/sessions/{session}/")
    smoke.page(bureau, "bureau", f"/staff/sessions/{session}/print/")
    smoke.page(bureau, "bureau", "/notifications/")
    smoke.page(bureau, "bureau", "/accounts/profile/")

    committee = Client(args.base)
    committee.login("committee", args.password)
    smoke.page(committee, "committee", "/staff/inbox/")
    smoke.page(committee, "committee", "/staff/cases/")

    followup = Client(args.base)
    followup.login("followup", args.password)
    smoke.page(followup, "followup", "/staff/audit/")
    smoke.page(followup, "followup", "/staff/audit/?group_by=committee")
    smoke.page(followup, "followup", "/staff/cases/")

    citizen = Client(args.base)
    citizen.login("citizen", args.password)
    my_cases = smoke.page(citizen, "citizen", "/my/")
    smoke.page(citizen, "citizen", "/file/")
    smoke.page(citizen, "citizen", "/accounts/profile/")
    receipt = re.search(r'href="(/cases/[A-Z]+-[A-Z]+-\d{4}-\d+/receipt/)"', my_cases)
    if receipt:
        smoke.page(citizen, "citizen", receipt.group(1))

    smoke.statics(anonymous)

    pages = [c for c in smoke.checked if c[0] != "static"]
    for who, path, status in smoke.checked:
        print(f"{status} {who:<10} {path}")
    print(f"{len(pages)} pages, {len(smoke.checked) - len(pages)} static files")
    if len(pages) < args.min_pages:
        smoke.failures.append(f"only {len(pages)} pages checked (at least {args.min_pages} expected)")
    if smoke.failures:
        print("FAILED:", *smoke.failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
