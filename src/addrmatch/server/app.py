"""The BOI HTTP API: an ASGI app generated from the endpoint table.

:func:`create_app` makes one route per row of
:data:`addrmatch.boi.endpoints.ENDPOINT_TABLE`, under the specification's
Base URL path ``/campus``: the path and query parameters and the JSON body
become the handler's arguments, the result its JSON response. Around them:

* ``POST /campus/oauth2/token?appName=...``: the OAuth2 client credentials
  grant (:mod:`addrmatch.server.auth`); every API route needs its bearer
  token (401 with ``WWW-Authenticate: Bearer`` otherwise);
* errors as RFC 9457 problem details (:mod:`addrmatch.server.problems`);
  every failed call is in the Business Office Error Log with its method,
  path, message and masked payload, and a 500 shows only a request id;
* ``GET /campus/api/businessOfficeIntegration/documentation``: Swagger UI,
  served from the assets installed with the ``server`` extra (no internet
  access needed), over ``/openapi.json`` (:mod:`addrmatch.server.openapi`);
* ``/campus/admin/``: the district's own screens (:mod:`addrmatch.server.admin`),
  for district users who log in; API routes read only the bearer token, the
  screens only their session cookie.

Starlette (small, typed, ASGI, only ``anyio`` beneath it) rather than
FastAPI: the payloads are validated by :mod:`addrmatch.boi.schema` from the
Field specs, so FastAPI's pydantic layer would be a second schema.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import swagger_ui
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from addrmatch.boi import Campus, ValidationError
from addrmatch.boi.credentials import TOKEN_LIFETIME
from addrmatch.boi.endpoints import ENDPOINT_TABLE, Endpoint
from addrmatch.boi.rules import Rule
from addrmatch.inputs import parse_bool, preview
from addrmatch.server.admin import admin_routes
from addrmatch.server.auth import Throttle, basic_credentials, bearer_token, form_fields
from addrmatch.server.openapi import BASE_PATH, TOKEN_PATH, openapi_document
from addrmatch.server.problems import PROBLEM_TYPE, problem, status_of

__all__ = ["DOCS_PATH", "MAX_BODY", "create_app"]

#: The Swagger UI page (the specification's "Business Office Integration API Documentation").
DOCS_PATH = f"{BASE_PATH}/api/businessOfficeIntegration/documentation"
#: The largest request body, in bytes (a transfer batch of a few thousand staff).
MAX_BODY = 32 * 1024 * 1024
_ASSETS = Path(swagger_ui.__file__).parent / "static"
_ASSET_NAMES = (
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-32x32.png",
)
_INTEGER = re.compile(r"-?\d{1,19}")


def _json(body: Any, status: int = 200, *, media_type: str = "application/json", **headers: str) -> Response:
    text = json.dumps(body, ensure_ascii=False, default=str)
    return Response(
        text.encode("utf-8", "replace"), status_code=status, media_type=media_type, headers=headers
    )


class _Api:
    """The routes' shared state: the Campus, the token settings, the throttle."""

    def __init__(
        self, campus: Campus, *, token_lifetime: int, clock: Callable[[], float], throttle: Throttle
    ):
        self.campus = campus
        self.token_lifetime = token_lifetime
        self.clock = clock
        self.throttle = throttle
        self.openapi = openapi_document(campus.schema)

    # -- errors ---------------------------------------------------------------------

    async def failure(
        self, request: Request, endpoint: Endpoint | None, exc: BaseException, payload: Any
    ) -> Response:
        """The problem response of a failed call, which is in the error log (once)."""
        request_id = uuid.uuid4().hex[:16]
        status, title = status_of(exc)
        if endpoint is not None and not getattr(exc, "_boi_logged", False):
            # In the thread pool, as every call on the database: the log waits for the session's
            # lock (and SQLite's), which the event loop must never do (every request would wait).
            await run_in_threadpool(self.campus.session.log, endpoint, exc, payload=payload)
        if status == 500:
            detail = f"internal error; the error log has it under request id {request_id}"
            if hasattr(exc, "add_note"):
                exc.add_note(f"request id {request_id}")
            field = rule = None
        else:
            detail = str(exc)
            field = getattr(exc, "field", None)
            rule = getattr(exc, "rule", None)
        body = problem(
            status, title, detail, instance=request.url.path, request_id=request_id, field=field, rule=rule
        )
        headers = {"Cache-Control": "no-store"}
        return _json(body, status, media_type=PROBLEM_TYPE, **headers)

    async def unauthorized(self, request: Request, endpoint: Endpoint, detail: str) -> Response:
        exc = ValidationError(f"authorization: {detail}", field="Authorization", rule=Rule.TYPE, value=None)
        await run_in_threadpool(self.campus.session.log, endpoint, exc)
        body = problem(
            401,
            "Unauthorized",
            exc.message,
            instance=request.url.path,
            request_id=uuid.uuid4().hex[:16],
            field="Authorization",
        )
        challenge = 'Bearer realm="campus", error="invalid_token"'
        return _json(body, 401, media_type=PROBLEM_TYPE, **{"WWW-Authenticate": challenge})

    # -- the token endpoint -------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        fields = form_fields(await request.body())
        no_store = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if fields.get("grant_type") != "client_credentials":
            error = "invalid_request" if "grant_type" not in fields else "unsupported_grant_type"
            return _json({"error": error, "error_description": "grant_type must be client_credentials"}, 400)
        given = basic_credentials(request.headers.get("authorization"))
        if given is None and "client_id" in fields:
            given = (fields.get("client_id", ""), fields.get("client_secret", ""))
        if given is None:
            return _json(
                {"error": "invalid_client", "error_description": "client authentication is required"},
                401,
                **{"WWW-Authenticate": 'Basic realm="campus"'},
            )
        client_id, secret = given
        keys = (f"client:{client_id[:200]}", f"address:{request.client.host if request.client else '-'}")
        wait = max(self.throttle.retry_after(k) for k in keys)
        if wait:
            return _json(
                {
                    "error": "slow_down",
                    "error_description": "too many failed token requests; try again later",
                },
                429,
                **{"Retry-After": str(wait)},
            )
        token = await run_in_threadpool(
            self.campus.issue_token, client_id, secret, now=self.clock(), lifetime=self.token_lifetime
        )
        if token is None:
            for key in keys:
                self.throttle.fail(key)
            return _json(
                {"error": "invalid_client", "error_description": "unknown client or wrong secret"},
                401,
                **{"WWW-Authenticate": 'Basic realm="campus"', **no_store},
            )
        for key in keys:
            self.throttle.succeed(key)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}
        return _json(body, 200, **no_store)

    # -- the API ---------------------------------------------------------------------

    def route(self, endpoint: Endpoint) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            token = bearer_token(request.headers.get("authorization"))
            if token is None:
                return await self.unauthorized(
                    request, endpoint, "a bearer token is required (see the Token URL)"
                )
            client = await run_in_threadpool(self.campus.token_client, token, now=self.clock())
            if client is None:
                return await self.unauthorized(
                    request, endpoint, "the bearer token is unknown, expired or revoked"
                )
            payload: Any = None
            try:
                payload = await self._body(request, endpoint)
                args, kwargs = self._arguments(request, endpoint, payload)
                # The handler is found in the thread pool too: ``campus.sync`` takes the session's
                # lock, which the event loop must never wait for.
                result = await run_in_threadpool(_call, self.campus, endpoint, args, kwargs)
            except Exception as exc:  # every failure is a problem response; a 500 shows no trace
                return await self.failure(request, endpoint, exc, payload)
            return _json(result)

        handle.__name__ = endpoint.name.replace(".", "_")
        return handle

    async def _body(self, request: Request, endpoint: Endpoint) -> Any:
        if endpoint.body is None:
            return None
        raw = await request.body()
        if len(raw) > MAX_BODY:
            raise ValidationError(
                f"body: {len(raw):,} bytes, more than the limit of {MAX_BODY:,}",
                field="body",
                rule=Rule.TOO_LONG,
                value=None,
            )
        if not raw.strip():
            if endpoint.body == "syncStart":
                return {}
            raise ValidationError("body: a JSON request body is required", field="body", rule=Rule.REQUIRED)
        try:
            return json.loads(raw)
        except RecursionError:
            raise ValidationError(
                "body: nested too deep", field="body", rule=Rule.NESTING, value=None
            ) from None
        except ValueError as exc:
            raise ValidationError(
                f"body: not valid JSON ({preview(str(exc), 80)})", field="body", rule=Rule.TYPE, value=None
            ) from None

    def _arguments(self, request: Request, endpoint: Endpoint, body: Any) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = [request.path_params[name] for name in endpoint.path_params]
        kwargs: dict[str, Any] = {}
        for param in endpoint.params:
            if param.where != "query":
                continue
            if param.name not in request.query_params:
                if param.required:
                    raise ValidationError(
                        f"{param.name}: a required query parameter", field=param.name, rule=Rule.REQUIRED
                    )
                continue
            kwargs[param.arg] = _query_value(param.name, param.type, request.query_params[param.name])
        if endpoint.body in ("staff", "staffUpdate", "position"):
            args.append(body)
        elif endpoint.body == "staffList":
            args.append(
                body.get("staffMembers") if isinstance(body, dict) and "staffMembers" in body else body
            )
        elif endpoint.body == "syncStart":
            if not isinstance(body, dict) or set(body) - {"startedBy"}:
                raise ValidationError(
                    "body: an object with startedBy (optional) only", field="body", rule=Rule.TYPE, value=None
                )
            started_by = body.get("startedBy")
            if started_by is not None or endpoint.name == "sync.start":
                kwargs["started_by"] = "HR system" if started_by is None else started_by
        return args, kwargs

    # -- documentation ------------------------------------------------------------------

    async def openapi_json(self, request: Request) -> Response:
        return _json(self.openapi)

    async def docs(self, request: Request) -> Response:
        return HTMLResponse(_DOCS_PAGE)

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name == "init.js":
            return Response(_DOCS_INIT, media_type="text/javascript")
        if name not in _ASSET_NAMES:
            return _json(
                problem(404, "Not Found", "no such file", instance=request.url.path, request_id="-"),
                404,
                media_type=PROBLEM_TYPE,
            )
        return FileResponse(_ASSETS / name)


def _query_value(name: str, kind: str, text: str) -> Any:
    """A query parameter as the handler takes it; left as text when it is not
    of its type (the handler then names the argument and the rule)."""
    if kind == "integer" and _INTEGER.fullmatch(text.strip()):
        return int(text)
    if kind == "boolean":
        value = parse_bool(text)
        if value is None:
            raise ValidationError(f"{name}: must be true or false", field=name, rule=Rule.TYPE, value=None)
        return value
    return text


async def _http_problem(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such route 404, a method the route does not
    take 405) as problem details too, like every other error."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    body = problem(
        status, str(detail), str(detail), instance=request.url.path, request_id=uuid.uuid4().hex[:16]
    )
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    return _json(body, status, media_type=PROBLEM_TYPE, **headers)


def _handler(campus: Campus, endpoint: Endpoint) -> Callable[..., Any]:
    target: Any = campus
    for part in endpoint.handler.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


def _call(campus: Campus, endpoint: Endpoint, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return _handler(campus, endpoint)(*args, **kwargs)


_DOCS_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Business Office Integration API Documentation</title>
<link rel="stylesheet" href="{DOCS_PATH}/swagger-ui.css">
<link rel="icon" href="{DOCS_PATH}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="{DOCS_PATH}/init.js"></script>
</body>
</html>
"""
_DOCS_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
"""


def create_app(
    campus_or_path: Campus | str | os.PathLike[str],
    *,
    token_lifetime: int = TOKEN_LIFETIME,
    clock: Callable[[], float] = time.time,
    throttle: Throttle | None = None,
) -> Starlette:
    """The ASGI app of the BOI HTTP API over a :class:`~addrmatch.boi.Campus`
    (or the Campus database at a path, opened now and closed on shutdown).

    ``token_lifetime``: seconds a bearer token is valid (one hour);
    ``clock``: the time for token expiry; ``throttle``: the failed-token-request
    limiter (default: 5 failures in 60 s block the client id and the address for 60 s).

    >>> app = create_app(Campus())
    >>> [route.path for route in app.routes][:2]
    ['/campus/oauth2/token', '/openapi.json']
    """
    owned = not isinstance(campus_or_path, Campus)
    campus = Campus(campus_or_path) if owned else campus_or_path  # type: ignore[arg-type]
    api = _Api(campus, token_lifetime=token_lifetime, clock=clock, throttle=throttle or Throttle())
    routes = [
        Route(TOKEN_PATH, api.token, methods=["POST"]),
        Route("/openapi.json", api.openapi_json, methods=["GET"]),
        Route(f"{BASE_PATH}/openapi.json", api.openapi_json, methods=["GET"]),
        Route(DOCS_PATH, api.docs, methods=["GET"]),
        Route(DOCS_PATH + "/{name}", api.asset, methods=["GET"]),
    ]
    for endpoint in ENDPOINT_TABLE:
        routes.append(Route(BASE_PATH + endpoint.path, api.route(endpoint), methods=[endpoint.method]))
    # The district's screens (logged-in district users; the HR client's bearer token opens none of them).
    routes += admin_routes(campus, clock=clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                campus.close()

    app = Starlette(
        routes=routes, lifespan=lifespan, debug=False, exception_handlers={HTTPException: _http_problem}
    )
    app.state.campus = campus
    return app
