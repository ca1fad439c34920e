"""Drive the district's screens over HTTP as a browser would, for tests: cookies
kept by hand (the session cookie is Secure, and httpx's jar sends Secure cookies
only over HTTPS; browsers also send them to localhost), the CSRF token read
from each form."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from typing import Any

import httpx

from addrmatch.boi import Campus

ALL_SCREENS = [
    "Business Office Synchronization",
    "Business Office Error Log",
    "Business Office Notifications",
    "Business Office Preferences",
    "Business Office API Credentials",
    "Staff Demographics",
    "District Employment",
]
PASSWORD = "correct horse battery staple"


def add_admin(campus: Campus, username: str = "mpostma", rights: list[str] | None = None) -> str:
    campus.add_user(username, "Postma, Madison", ALL_SCREENS if rights is None else rights, password=PASSWORD)
    return username


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


class Browser:
    """An HTTP client that keeps cookies as a browser does on this site."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def _keep(self, response: httpx.Response) -> httpx.Response:
        for header in response.headers.get_list("set-cookie"):
            self.set_cookies.append(header)
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "expires=Thu, 01 Jan 1970" in header:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self._keep(self.http.get(path, headers=self._headers(headers)))

    def post(
        self, path: str, data: dict[str, Any], headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return self._keep(self.http.post(path, data=data, headers=self._headers(headers), **kw))

    def login(self, username: str = "mpostma", password: str = PASSWORD) -> httpx.Response:
        page = self.get("/campus/admin/login")
        return self.post(
            "/campus/admin/login",
            {"csrf_token": csrf_of(page.text), "username": username, "password": password},
        )

    def form_post(self, page_path: str, action: str, data: dict[str, Any], **kw: Any) -> httpx.Response:
        """Open ``page_path``, then post ``data`` to ``action`` with the page's CSRF token."""
        token = csrf_of(self.get(page_path).text)
        return self.post(action, {"csrf_token": token, **data}, **kw)
