"""The OpenAPI 3.1 document of the BOI HTTP API, generated.

The operations come from the endpoint table (:mod:`addrmatch.boi.endpoints`)
and the request schemas from the same :class:`~addrmatch.boi.fields.Field`
specs that validate payloads: every field with its type, whether it is
required, its default, its size limit and its description. The Swagger UI
page (``/campus/api/businessOfficeIntegration/documentation``) renders it.
"""

from __future__ import annotations

from typing import Any

from addrmatch.address import BOI_FIELDS
from addrmatch.boi.endpoints import ENDPOINT_TABLE, Endpoint
from addrmatch.boi.fields import (
    EMPLOYMENT_FIELDS,
    HOUSEHOLD_FIELDS,
    LIMITS,
    LOCATION_FIELDS,
    MAX_ITEMS,
    POSITION_FIELDS,
    Field,
    StaffSchema,
    _Dynamic,
)

__all__ = ["BASE_PATH", "TOKEN_PATH", "openapi_document"]

#: The specification's Base URL path.
BASE_PATH = "/campus"
#: The specification's Token URL path.
TOKEN_PATH = f"{BASE_PATH}/oauth2/token"

_REF = "#/components/schemas/"
_NESTED = {
    "employments": "Employment",
    "positions": "Position",
    "household": "Household",
    "householdLocations": "HouseholdLocation",
}


def _nullable(kind: str) -> list[str]:
    return [kind, "null"]


def field_schema(spec: Field) -> dict[str, Any]:
    """The JSON schema of one payload field.

    >>> field_schema(POSITION_FIELDS[1])["maxLength"]
    50
    """
    out: dict[str, Any]
    if spec.type in ("string", "ssn"):
        out = {"type": _nullable("string")}
        if spec.limit is not None:
            out["maxLength"] = spec.limit
    elif spec.type == "date":
        out = {"type": _nullable("string"), "format": "date", "maxLength": LIMITS["date"]}
    elif spec.type == "boolean":
        out = {"type": _nullable("boolean")}
    elif spec.type == "integer":
        out = {"type": _nullable("integer"), "minimum": 1}
    elif spec.type == "address":
        out = {"$ref": _REF + "Address"}
    elif spec.type == "object":
        out = {"anyOf": [{"$ref": _REF + _NESTED[spec.name]}, {"type": "null"}]}
    else:  # array
        items = {"$ref": _REF + _NESTED[spec.name]} if spec.name in _NESTED else {"type": "object"}
        out = {"type": _nullable("array"), "items": items, "maxItems": MAX_ITEMS}
    if spec.description:
        out["description"] = spec.description
    default = spec.default
    if not spec.required and not isinstance(default, _Dynamic):
        out["default"] = default
    elif isinstance(default, _Dynamic):
        out["description"] = f"{out.get('description', '')} Default: {default.description}.".strip()
    return out


def _object(fields: tuple[Field, ...], *, required: bool = True) -> dict[str, Any]:
    """An object's schema: its input fields, and its output-only fields as
    ``readOnly`` (a result may be sent back: they are ignored)."""
    properties = {}
    for spec in fields:
        properties[spec.name] = (
            {"readOnly": True, "description": spec.description} if spec.output_only else field_schema(spec)
        )
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    needed = [f.name for f in fields if f.required and not f.output_only] if required else []
    if needed:
        schema["required"] = needed
    return schema


def _address() -> dict[str, Any]:
    props: dict[str, Any] = {
        "fullStreetAddress": {"type": _nullable("string"), "maxLength": LIMITS["address text"]},
    }
    for name in BOI_FIELDS.values():
        props[name] = (
            {"type": _nullable("boolean")}
            if name == "postOfficeBox"
            else {"type": _nullable("string"), "maxLength": LIMITS["address field"]}
        )
    props["addressId"] = {"type": "integer", "minimum": 1, "description": "An address search result's id."}
    props["score"] = {"type": "number", "description": "An address search result's score (ignored)."}
    return {
        "type": "object",
        "description": "A BOI address: fullStreetAddress or the components (not both); a PO box takes only "
        "its number. An address search result may be sent back as it is.",
        "properties": props,
        "additionalProperties": False,
    }


def _results() -> dict[str, Any]:
    obj = {"type": "object"}
    listing = {"type": "array", "items": {"type": "object"}}
    return {
        "staff": obj,
        "staffList": listing,
        "positions": listing,
        "addresses": listing,
        "schools": listing,
        "genders": listing,
        "assignmentCodes": listing,
        "titles": listing,
        "syncStatus": obj,
        "transfer": obj,
        "report": obj,
        "commit": obj,
        "job": {"type": ["object", "null"]},
    }


_BODIES = {
    "staff": {"$ref": _REF + "StaffMember"},
    "staffUpdate": {"$ref": _REF + "StaffMemberUpdate"},
    "position": {"$ref": _REF + "Position"},
    "staffList": {
        "anyOf": [
            {"type": "array", "items": {"$ref": _REF + "StaffMember"}},
            {
                "type": "object",
                "properties": {"staffMembers": {"type": "array", "items": {"$ref": _REF + "StaffMember"}}},
                "required": ["staffMembers"],
            },
        ]
    },
    "syncStart": {
        "type": "object",
        "properties": {"startedBy": {"type": "string", "maxLength": LIMITS["name"]}},
        "additionalProperties": False,
    },
}

_PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": _REF + "Problem"}}}}


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    parameters = []
    for param in endpoint.params:
        schema: dict[str, Any] = {"type": param.type if param.type != "date" else "string"}
        if param.type == "date":
            schema["format"] = "date"
        if param.type == "string":
            schema["maxLength"] = LIMITS["address text"] if param.name == "text" else LIMITS["name"]
        if param.name == "limit":
            schema.update(minimum=1, maximum=1000 if endpoint.name == "search_staff" else 100)
        if param.default is not None:
            schema["default"] = param.default
        parameters.append(
            {
                "name": param.name,
                "in": param.where,
                "required": param.required,
                "description": param.description,
                "schema": schema,
            }
        )
    op: dict[str, Any] = {
        "operationId": endpoint.name.replace(".", "_"),
        "summary": endpoint.summary,
        "tags": ["Staff Synchronization" if endpoint.name.startswith("sync.") else "Day to Day Operation"],
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": _results()[endpoint.result]}},
            },
            "400": {"description": "The request is malformed (field, rule)", **_PROBLEM},
            "401": {"description": "Missing, expired or revoked bearer token", **_PROBLEM},
            "404": {"description": "Unknown staff member, position or address", **_PROBLEM},
            "409": {"description": "Duplicate or ambiguous staff number, locked, sync state", **_PROBLEM},
            "422": {"description": "A value not in the district's lists, an address rule", **_PROBLEM},
            "500": {"description": "Unexpected error (logged with the request id)", **_PROBLEM},
        },
    }
    if not endpoint.spec:
        op["description"] = (
            "Not in the specification's API list: the Synchronization Tool's Restart Transfer."
        )
    if endpoint.body is not None:
        op["requestBody"] = {
            "required": endpoint.body != "syncStart",
            "content": {"application/json": {"schema": _BODIES[endpoint.body]}},
        }
    return op


def openapi_document(schema: StaffSchema) -> dict[str, Any]:
    """The OpenAPI 3.1 document for a Campus's staff fields.

    >>> from addrmatch.boi.fields import DEFAULT_SCHEMA
    >>> doc = openapi_document(DEFAULT_SCHEMA)
    >>> doc["openapi"], sorted(doc["paths"])[0]
    ('3.1.0', '/campus/api/businessOfficeIntegration/addresses')
    """
    paths: dict[str, Any] = {}
    for endpoint in ENDPOINT_TABLE:
        paths.setdefault(BASE_PATH + endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Business Office Integration API",
            "version": "1",
            "description": "The staff API an HR system calls (the Business Office Integration User Guide): "
            "get a token with the client credentials at the Token URL, then call every endpoint with it.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {
                "StaffMember": _object(schema.fields),
                "StaffMemberUpdate": _object(schema.fields, required=False),
                "Employment": _object(EMPLOYMENT_FIELDS),
                "Position": _object(POSITION_FIELDS),
                "Household": _object(HOUSEHOLD_FIELDS),
                "HouseholdLocation": _object(LOCATION_FIELDS),
                "Address": _address(),
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "instance": {"type": "string"},
                        "requestId": {"type": "string"},
                        "field": {"type": ["string", "null"]},
                        "rule": {"type": ["string", "null"]},
                    },
                    "required": ["type", "title", "status", "detail"],
                },
            },
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": TOKEN_PATH, "scopes": {}}},
                }
            },
        },
        "security": [{"oauth2": []}],
    }
