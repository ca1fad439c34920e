"""``addrmatch.server``: the BOI HTTP API (the ``addrmatch[server]`` extra).

``create_app(campus_or_path)`` is the ASGI app (Starlette) of the
specification's API, generated from the endpoint table of
:mod:`addrmatch.boi.endpoints`; ``addrmatch serve DB`` runs it with uvicorn.
"""

from addrmatch.server.app import create_app

__all__ = ["create_app"]
