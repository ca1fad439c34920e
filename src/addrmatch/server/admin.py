"""The district's screens under ``/campus/admin/``: the specification's Business Office UI.

Server-rendered HTML (Jinja2 templates in ``server/templates/admin``, one
style sheet, one small script that only re-reads the synchronization status
when the person comes back to its tab): ``login``, ``sync`` (the BOI Staff
Synchronization Tool and Check Campus Data), ``errors`` (the Business
Office Error Log), ``notifications``, ``preferences``, ``credentials``
(Business Office API Credentials) and ``staff`` (a staff member's
demographics, where the preference locks show), with ``/campus/admin/``
listing those the user may open.

Every screen calls the same :class:`~addrmatch.boi.Campus` / ``campus.sync``
methods as the HTTP API and the command line: the rules (state machine,
locks, recipients' rights, masking) are theirs, and a refused call shows
its message. Who may see and change each screen is the user's tool rights
(:mod:`addrmatch.boi.tool_rights`); sessions and CSRF are
:mod:`addrmatch.server.admin_auth`'s.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from addrmatch._cli_common import CommandError
from addrmatch.boi import HOUSEHOLD_TOGGLE, LOCK_AREAS, BOIError, Campus, Report
from addrmatch.boi.errorlog import write_csv
from addrmatch.boi.errorlog_export import to_pdf
from addrmatch.boi.hr_file import read_hr_file
from addrmatch.boi.logins import LoginError
from addrmatch.boi.masking import mask_birth_year
from addrmatch.boi.notifications import TYPES
from addrmatch.boi.rules import Rule
from addrmatch.boi.tool_rights import SCREENS, allowed
from addrmatch.server.admin_auth import (
    ADMIN_PATH,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    clear_session_cookie,
    login_csrf,
    same_origin,
    set_session_cookie,
    tokens_match,
)
from addrmatch.server.auth import Throttle

__all__ = ["ADDRESS_LOGIN_LIMIT", "ADMIN_PATH", "MAX_UPLOAD", "admin_routes"]

#: Failed logins from one address within 5 minutes (any user names) before the address waits 5 minutes.
ADDRESS_LOGIN_LIMIT = 20

#: The largest HR file the upload takes, in bytes.
MAX_UPLOAD = 64 * 1024 * 1024
_STATIC = Path(__file__).parent / "static"
_TRANSFER_BATCH = 1_000
#: The screens in the order the menu lists them, with the specification's names.
_MENU = (
    ("sync", "Business Office Synchronization"),
    ("errors", "Business Office Error Log"),
    ("notifications", "Business Office Notifications"),
    ("preferences", "Business Office Preferences"),
    ("credentials", "Business Office API Credentials"),
    ("staff", "Staff Members"),
)
#: The staff fields the staff screen shows, with their labels (SSN and birth date: masked, never edited).
_STAFF_FIELDS: tuple[tuple[str, str], ...] = (
    ("staffNumber", "Staff Number"),
    ("lastName", "Last Name"),
    ("firstName", "First Name"),
    ("middleName", "Middle Name"),
    ("gender", "Gender"),
    ("workEmail", "Work Email"),
    ("workPhone", "Work Phone"),
    ("cellPhone", "Cell Phone"),
    ("otherPhone", "Other Phone"),
    ("personalEmail", "Personal Email"),
)
_DONE = {
    "start": "The transfer started: the HR system (or a file upload) can transfer staff now.",
    "end": "The transfer ended. Validate next.",
    "restart": "The transfer restarted: the transferred staff were discarded.",
    "commit": "The commit started. This page shows its progress.",
    "preferences": "Preferences saved.",
    "notification": "Notification saved.",
    "deleted": "The notification was deleted (it had no recipient left).",
    "staff": "Staff member saved.",
}
_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_PAGE_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"


class _Refused(Exception):
    """A request the screens refuse before running anything (status, message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Admin:
    """The screens' shared state: the Campus, the templates, the clock."""

    def __init__(self, campus: Campus, *, clock: Callable[[], float]) -> None:
        self.campus = campus
        #: ``campus.sync``, made here once: a route never takes the session's lock on the event
        #: loop (every call on the database runs in the thread pool, :meth:`call`).
        self.sync = campus.sync
        self.clock = clock
        #: Failed logins per client address, whatever the user name (guessing across accounts):
        #: the account lock (addrmatch.boi.logins) is per user.
        self.throttle = Throttle(limit=ADDRESS_LOGIN_LIMIT, window=300.0, block=300.0, clock=clock)
        self.templates = Environment(
            loader=PackageLoader("addrmatch.server", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    # -- plumbing --------------------------------------------------------------------

    def page(
        self, request: Request, name: str, user: Mapping[str, Any] | None, status: int = 200, **values: Any
    ) -> Response:
        template = self.templates.get_template(f"admin/{name}.html")
        menu = [
            (screen, label, f"{ADMIN_PATH}/{screen}")
            for screen, label in _MENU
            if user is not None and allowed(user["rights"], screen)
        ]
        body = template.render(
            admin=ADMIN_PATH,
            user=user,
            menu=menu,
            csrf=user["csrf"] if user else values.pop("login_csrf", ""),
            current=name,
            done=_DONE.get(request.query_params.get("done", "")),
            **values,
        )
        response = HTMLResponse(body, status_code=status)
        response.headers.update({**_SECURITY_HEADERS, "Content-Security-Policy": _PAGE_CSP})
        return response

    async def user(self, request: Request) -> dict[str, Any] | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        return await run_in_threadpool(self.campus.session_user, token, now=self.clock())

    async def form(self, request: Request, user: Mapping[str, Any] | None) -> Any:
        """The posted form, once its CSRF token and origin are checked (else :class:`_Refused`)."""
        if not same_origin(request):
            raise _Refused(403, "This form was sent from another site: refused.")
        form = await request.form(max_part_size=MAX_UPLOAD)
        expected = user["csrf"] if user else request.cookies.get(LOGIN_COOKIE)
        if not tokens_match(expected, form.get("csrf_token")):
            raise _Refused(
                403, "The form's security token is missing or out of date: reload the page and try again."
            )
        return form

    def screen(
        self, screen: str, handler: Callable[[Request, dict[str, Any]], Any], *, change: bool = False
    ) -> Callable[[Request], Any]:
        """A route of a screen: a session with the tool right to see (or, for
        ``change``, to change) the screen, a checked form for a POST."""

        async def handle(request: Request) -> Response:
            user = await self.user(request)
            if user is None:
                if request.method == "POST":
                    return self.refused(request, None, _Refused(403, "Your session ended: log in again."))
                target = f"{ADMIN_PATH}/login?next={request.url.path}"
                return _redirect(target)
            try:
                if not allowed(user["rights"], screen, change=change or request.method == "POST"):
                    what = "change" if change or request.method == "POST" else "open"
                    raise _Refused(
                        403, f"Your tool rights do not let you {what} {SCREENS[screen]} ({screen})."
                    )
                if request.method == "POST":
                    request.state.form = await self.form(request, user)
                return await handler(request, user)  # type: ignore[no-any-return]
            except _Refused as refused:
                return self.refused(request, user, refused)

        return handle

    def refused(self, request: Request, user: Mapping[str, Any] | None, refused: _Refused) -> Response:
        return self.page(request, "refused", user, status=refused.status, message=str(refused))

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(fn, *args, **kwargs)

    # -- login, logout, the index ------------------------------------------------------

    async def login(self, request: Request) -> Response:
        user = await self.user(request)
        target = _next(request.query_params.get("next"))
        if user is not None and request.method == "GET":
            return _redirect(target)
        placeholder = Response()
        if request.method == "GET":
            csrf = login_csrf(request, placeholder)
            response = self.page(request, "login", None, login_csrf=csrf, next=target, error=None)
            _copy_cookies(placeholder, response)
            return response
        try:
            form = await self.form(request, None)
        except _Refused as refused:
            return self.refused(request, None, refused)
        username = str(form.get("username") or "")
        address = f"login:{request.client.host if request.client else '-'}"
        wait = self.throttle.retry_after(address)
        try:
            if wait:
                raise LoginError(
                    f"login: too many failed logins from this address; try again in {(wait + 59) // 60} minutes",
                    field="username",
                    rule=Rule.LOGIN_LOCKED,
                    value=wait,
                )
            session = await self.call(
                self.campus.log_in, username, str(form.get("password") or ""), now=self.clock()
            )
        except LoginError as exc:
            if not wait:
                self.throttle.fail(address)
            csrf = login_csrf(request, placeholder)
            response = self.page(
                request, "login", None, status=429 if wait else 401, login_csrf=csrf, next=target,
                error=exc.message, username=username,
            )  # fmt: skip
            _copy_cookies(placeholder, response)
            return response
        self.throttle.succeed(address)
        response = _redirect(_next(str(form.get("next") or "")))
        set_session_cookie(response, session["session"])
        response.delete_cookie(LOGIN_COOKIE, path=ADMIN_PATH)
        return response

    async def logout(self, request: Request) -> Response:
        user = await self.user(request)
        if user is not None:
            try:
                await self.form(request, user)
            except _Refused as refused:
                return self.refused(request, user, refused)
            await self.call(self.campus.log_out, request.cookies.get(SESSION_COOKIE))
        response = _redirect(f"{ADMIN_PATH}/login")
        clear_session_cookie(response)
        return response

    async def index(self, request: Request) -> Response:
        user = await self.user(request)
        if user is None:
            return _redirect(f"{ADMIN_PATH}/login")
        return self.page(request, "index", user)

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ("admin.css", "admin.js"):
            return Response("not found", status_code=404, media_type="text/plain")
        response = FileResponse(_STATIC / name)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    # -- Business Office Synchronization ------------------------------------------------

    async def sync_page(self, request: Request, user: dict[str, Any], **values: Any) -> Response:
        # One read for the state, the job and the steps: two could straddle the end of a commit
        # (the state read COMMITTING, the job then completed) and the page would stop refreshing.
        view = await self.call(self.sync.overview)
        can_change = allowed(user["rights"], "sync", change=True)
        return self.page(
            request,
            "sync",
            user,
            status=values.pop("status_code", 200),
            sync=view["status"],
            job=view["job"],
            steps=view["steps"] if can_change else frozenset(),
            can_change=can_change,
            running=view["committing"],
            **values,
        )

    async def sync_step(self, request: Request, user: dict[str, Any]) -> Response:
        step = request.path_params["step"]
        sync = self.sync
        calls: dict[str, Callable[[], Any]] = {
            "start": lambda: sync.start(started_by=user["name"]),
            "end": sync.end,
            "restart": lambda: sync.restart(started_by=user["name"]),
            "commit": sync.submit_commit_job,
        }
        if step not in calls:
            raise _Refused(404, f"No such step: {step}")
        try:
            await self.call(calls[step])
        except BOIError as exc:
            return await self.sync_page(request, user, status_code=409, error=exc.message)
        return _redirect(f"{ADMIN_PATH}/sync?done={step}")

    async def sync_upload(self, request: Request, user: dict[str, Any]) -> Response:
        upload = request.state.form.get("hrFile")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self.sync_page(
                request, user, status_code=400, error="Choose an HR file (JSON or CSV)."
            )
        suffix = ".csv" if upload.filename.lower().endswith(".csv") else ".json"
        data = await upload.read()
        try:
            result = await self.call(self._transfer_bytes, data, suffix, upload.filename)
        except (CommandError, BOIError) as exc:
            return await self.sync_page(request, user, status_code=400, error=str(exc))
        return await self.sync_page(request, user, transfer=result)

    def _transfer_bytes(self, data: bytes, suffix: str, name: str) -> dict[str, Any]:
        """Transfer an uploaded HR file (read as the command line reads one) in batches."""
        fd, path = tempfile.mkstemp(suffix=suffix, prefix="addrmatch-upload-")  # created owner-only
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            try:
                records, where = read_hr_file(path)
            except CommandError as exc:  # the message names the temporary file: name the upload
                raise CommandError(str(exc).replace(path, name)) from None
        finally:
            os.unlink(path)
        if not records:
            raise CommandError(f"{name}: no staff records")
        accepted = 0
        failures: list[str] = []
        for start in range(0, len(records), _TRANSFER_BATCH):
            result = self.sync.transfer(records[start : start + _TRANSFER_BATCH])
            accepted += result["accepted"]
            failures += [f"{where[start + f['index']]}: {f['message']}" for f in result["failures"]]
        return {"file": name, "accepted": accepted, "rejected": len(failures), "failures": failures[:20]}

    async def sync_validate(self, request: Request, user: dict[str, Any]) -> Response:
        try:
            report = await self.call(self.sync.validate)
        except BOIError as exc:
            return await self.sync_page(request, user, status_code=409, error=exc.message)
        return _report(report)

    async def sync_check(self, request: Request, user: dict[str, Any]) -> Response:
        return _report(await self.call(self.campus.check_campus_data))

    # -- Business Office Error Log ------------------------------------------------------

    def _log_filter(self, request: Request) -> dict[str, Any]:
        q = request.query_params
        return {
            "since": q.get("since") or None,
            "until": q.get("until") or None,
            "action": q.get("action") or None,
        }

    async def errors(self, request: Request, user: dict[str, Any]) -> Response:
        chosen = self._log_filter(request)
        try:
            rows = await self.call(self.campus.error_log, **chosen)
            error = None
        except BOIError as exc:
            rows, error = [], exc.message
        for row in rows:
            row["payloadText"] = None if row["payload"] is None else json.dumps(row["payload"], indent=2)
        query = urlencode({k: v for k, v in chosen.items() if v})
        dated = " ".join(
            f"{word} {chosen[key]}" for word, key in (("from", "since"), ("until", "until")) if chosen[key]
        )
        shown = ", ".join(
            part
            for part in (dated and f"errors dated {dated}", chosen["action"] and f"action {chosen['action']}")
            if part
        )
        return self.page(
            request, "errors", user, rows=rows, chosen=chosen, error=error, query=query, shown=shown,
            actions=("GET", "POST", "PUT", "DELETE"),
        )  # fmt: skip

    async def errors_export(self, request: Request, user: dict[str, Any]) -> Response:
        kind = request.query_params.get("format", "pdf")
        if kind not in ("pdf", "csv"):
            raise _Refused(400, "Export as pdf or csv.")
        try:
            rows = await self.call(self.campus.error_log, **self._log_filter(request))
        except BOIError as exc:
            raise _Refused(400, exc.message) from exc
        if kind == "pdf":
            body: bytes = await run_in_threadpool(to_pdf, rows)
            media = "application/pdf"
        else:
            text = io.StringIO()
            write_csv(rows, text)
            body, media = text.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
        headers = {**_SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="error-log.{kind}"'}
        return Response(body, media_type=media, headers=headers)

    # -- Business Office Notifications --------------------------------------------------

    async def notifications(self, request: Request, user: dict[str, Any], **values: Any) -> Response:
        listing = await self.call(self.campus.notifications)
        people = await self.call(self.campus.notification_recipients)
        names = {u["username"]: u["name"] for u in people}
        editing = request.query_params.get("edit")
        return self.page(
            request,
            "notifications",
            user,
            status=values.pop("status_code", 200),
            notifications=listing,
            people=people,
            names=names,
            types=TYPES,
            editing=int(editing) if editing and editing.isdigit() else None,
            adding=request.query_params.get("new") is not None or values.pop("adding", False),
            can_change=allowed(user["rights"], "notifications", change=True),
            **values,
        )

    async def notification_save(self, request: Request, user: dict[str, Any]) -> Response:
        form = request.state.form
        chosen = [str(v) for v in form.getlist("recipients")]
        removed = str(form.get("remove") or "")
        kind = str(form.get("type") or "")
        ident = str(form.get("notificationId") or "")
        try:
            if not ident:
                await self.call(self.campus.create_notification, kind, chosen)
                return _redirect(f"{ADMIN_PATH}/notifications?done=notification")
            current = {n["notificationId"]: n for n in await self.call(self.campus.notifications)}
            number = int(ident) if ident.isdigit() else -1
            before = set(current[number]["recipients"]) if number in current else set()
            keep = set(chosen) - {removed} if removed else set(chosen)
            result = await self.call(
                self.campus.update_notification,
                number,
                type=kind or None,
                add=sorted(keep - before),
                remove=sorted(before - keep),
            )
        except BOIError as exc:
            return await self.notifications(
                request, user, status_code=400, error=exc.message, adding=not ident
            )
        return _redirect(f"{ADMIN_PATH}/notifications?done={'deleted' if result is None else 'notification'}")

    # -- Business Office Preferences ----------------------------------------------------

    async def preferences(self, request: Request, user: dict[str, Any]) -> Response:
        prefs = await self.call(self.campus.preferences)
        return self.page(
            request, "preferences", user, prefs=prefs, areas=LOCK_AREAS, toggle=HOUSEHOLD_TOGGLE,
            can_change=allowed(user["rights"], "preferences", change=True),
        )  # fmt: skip

    async def preferences_save(self, request: Request, user: dict[str, Any]) -> Response:
        form = request.state.form
        locks = {area: form.get(f"lock:{area}") == "on" for area in LOCK_AREAS}
        await self.call(
            self.campus.set_preferences, locks=locks, allow_household_updates=form.get("household") == "on"
        )
        return _redirect(f"{ADMIN_PATH}/preferences?done=preferences")

    # -- Business Office API Credentials ------------------------------------------------

    async def credentials(self, request: Request, user: dict[str, Any], **values: Any) -> Response:
        client = await self.call(self.campus.api_client)
        base = f"{request.url.scheme}://{request.url.netloc}/campus"
        response = self.page(
            request,
            "credentials",
            user,
            client=client,
            base_url=base,
            token_url=f"{base}/oauth2/token?appName=addrmatch",
            docs_url=f"{base}/api/businessOfficeIntegration/documentation",
            can_change=allowed(user["rights"], "credentials", change=True),
            **values,
        )
        return response

    async def new_secret(self, request: Request, user: dict[str, Any]) -> Response:
        if request.state.form.get("understood") != "on":
            return await self.credentials(
                request,
                user,
                error="Tick the box to confirm: the HR system's calls fail until it uses the new secret.",
            )
        made = await self.call(self.campus.api_credentials, new_secret=True)
        # The one time the secret is shown: on this response (not stored, not cached).
        return await self.credentials(request, user, secret=made["clientSecret"])

    # -- Staff Members ------------------------------------------------------------------

    async def staff(self, request: Request, user: dict[str, Any], **values: Any) -> Response:
        number = (request.query_params.get("staffNumber") or values.pop("number", "") or "").strip()
        record = locks = None
        error = values.pop("error", None)
        if number:
            try:
                record = dict(await self.call(self.campus.get_staff, number))
                locks = await self.call(self.campus.staff_locks, number)
            except BOIError as exc:
                error = exc.message
            else:  # the reports' masking: no screen shows a birthdate in clear (the SSN is masked already)
                record["birthdate"] = mask_birth_year(record.get("birthdate"))
        genders = await self.call(self.campus.genders)
        return self.page(
            request, "staff", user, status=values.pop("status_code", 200), number=number, record=record,
            locks=locks, fields=_STAFF_FIELDS, genders=genders,
            error=error, can_change=allowed(user["rights"], "staff", change=True), **values,
        )  # fmt: skip

    async def staff_save(self, request: Request, user: dict[str, Any]) -> Response:
        form = request.state.form
        number = str(form.get("current") or "")
        try:
            record = await self.call(self.campus.get_staff, number)
            locks = await self.call(self.campus.staff_locks, number)
            changes = {}
            for field, _ in _STAFF_FIELDS:
                if locks.get(field) or field not in form:
                    continue  # a locked field is not sent: edit_staff would refuse it
                value = str(form.get(field) or "").strip() or None
                if value != record.get(field):
                    changes[field] = value
            if changes:
                await self.call(self.campus.edit_staff, number, changes)
        except BOIError as exc:
            return await self.staff(request, user, number=number, status_code=400, error=exc.message)
        shown = changes.get("staffNumber") or number
        return _redirect(f"{ADMIN_PATH}/staff?staffNumber={shown}&done=staff")


def _redirect(target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.headers.update(_SECURITY_HEADERS)
    return response


def _next(target: str | None) -> str:
    """Where to go after the login: a screen of this site only (no open redirect)."""
    if target and target.startswith(ADMIN_PATH + "/") and "//" not in target and "\\" not in target:
        return target
    return f"{ADMIN_PATH}/"


def _copy_cookies(source: Response, target: Response) -> None:
    for key, value in source.raw_headers:
        if key == b"set-cookie":
            target.raw_headers.append((key, value))


def _report(report: Report) -> Response:
    """A report page (the existing standalone HTML report), opened in its own tab."""
    response = HTMLResponse(report.to_html())
    response.headers.update({**_SECURITY_HEADERS, "Content-Security-Policy": _REPORT_CSP})
    return response


def admin_routes(campus: Campus, *, clock: Callable[[], float] = time.time) -> list[Route]:
    """The routes of the district's screens over ``campus`` (mounted by
    :func:`addrmatch.server.create_app`).

    >>> [r.path for r in admin_routes(Campus())][:3]
    ['/campus/admin/', '/campus/admin', '/campus/admin/login']
    """
    admin = _Admin(campus, clock=clock)
    s = admin.screen
    a = ADMIN_PATH
    return [
        Route(f"{a}/", admin.index, methods=["GET"]),
        Route(a, admin.index, methods=["GET"]),
        Route(f"{a}/login", admin.login, methods=["GET", "POST"]),
        Route(f"{a}/logout", admin.logout, methods=["POST"]),
        Route(f"{a}/static/{{name}}", admin.static, methods=["GET"]),
        Route(f"{a}/sync", s("sync", admin.sync_page), methods=["GET"]),
        Route(f"{a}/sync/check", s("sync", admin.sync_check), methods=["GET"]),
        Route(f"{a}/sync/upload", s("sync", admin.sync_upload), methods=["POST"]),
        Route(f"{a}/sync/validate", s("sync", admin.sync_validate), methods=["POST"]),
        Route(f"{a}/sync/{{step}}", s("sync", admin.sync_step), methods=["POST"]),
        Route(f"{a}/errors", s("errors", admin.errors), methods=["GET"]),
        Route(f"{a}/errors/export", s("errors", admin.errors_export), methods=["GET"]),
        Route(f"{a}/notifications", s("notifications", admin.notifications), methods=["GET"]),
        Route(f"{a}/notifications", s("notifications", admin.notification_save), methods=["POST"]),
        Route(f"{a}/preferences", s("preferences", admin.preferences), methods=["GET"]),
        Route(f"{a}/preferences", s("preferences", admin.preferences_save), methods=["POST"]),
        Route(f"{a}/credentials", s("credentials", admin.credentials), methods=["GET"]),
        Route(f"{a}/credentials/secret", s("credentials", admin.new_secret), methods=["POST"]),
        Route(f"{a}/staff", s("staff", admin.staff), methods=["GET"]),
        Route(f"{a}/staff", s("staff", admin.staff_save), methods=["POST"]),
    ]
