"""VTEX's published OpenAPI subset (a copy of ../shared/reference, unchanged) as JSON Schema
validators for request and response bodies.

OpenAPI 3.0 schemas are not quite JSON Schema: ``nullable`` becomes a ``null`` type, and
``$ref``s into ``#/components`` are resolved against the whole document.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

REFERENCE = Path(__file__).parent / "reference" / "vtex-logistics-inventory.openapi.json"


@cache
def document() -> dict[str, Any]:
    return _json_schema(json.loads(REFERENCE.read_text()))


def _json_schema(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _json_schema(value) for key, value in node.items()}
        if node.pop("nullable", False) and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_json_schema(value) for value in node]
    return node


def operation(path: str, method: str) -> dict[str, Any]:
    return document()["paths"][path][method.lower()]


def _validator(schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    registry = Registry().with_resource("", Resource(contents=document(), specification=DRAFT7))
    return jsonschema.Draft7Validator(schema, registry=registry)


def request_schema(path: str, method: str) -> dict[str, Any]:
    return operation(path, method)["requestBody"]["content"]["application/json"]["schema"]


def response_schema(path: str, method: str, status: int) -> dict[str, Any] | None:
    response = operation(path, method)["responses"][str(status)]
    content = response.get("content", {}).get("application/json")
    return content["schema"] if content else None


def assert_valid_request(path: str, method: str, body: Any) -> None:
    """``body`` is a request VTEX's schema accepts (so our tests send what ERPs send)."""
    _validator(request_schema(path, method)).validate(body)


def assert_valid_response(path: str, method: str, response) -> None:
    """The response's status is one VTEX documents for the operation, and its body matches
    VTEX's schema for that status (when VTEX publishes one)."""
    documented = operation(path, method)["responses"]
    assert str(response.status_code) in documented, (
        f"{method} {path} answered {response.status_code}; VTEX documents {sorted(documented)}"
    )
    schema = response_schema(path, method, response.status_code)
    if schema is not None:
        _validator(schema).validate(response.json())
