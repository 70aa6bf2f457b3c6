"""Check requests against the official OpenAPI (swagger 2.0) files, strictly.

Swagger objects allow unknown properties by default, which would let a misspelt field through; the
validator here forbids them, so a body passes only if every field it has is one the spec defines.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator

from doctranslate.settings import ApiVersion
from tests.support.recordings import FIXTURES

_SPEC_FILES = {
    ApiVersion.V1_0: FIXTURES / "openapi" / "v1.0" / "TranslatorBatch.json",
    ApiVersion.V1_1: FIXTURES / "openapi" / "v1.1" / "TranslatorBatch.json",
    ApiVersion.V2024_05_01: FIXTURES / "openapi" / "2024-05-01" / "openapi.json",
}


def _closed(schema: Any) -> Any:
    if isinstance(schema, dict):
        schema = {k: _closed(v) for k, v in schema.items()}
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
    elif isinstance(schema, list):
        schema = [_closed(v) for v in schema]
    return schema


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    parameters: list[dict[str, Any]]

    def matches(self, method: str, path: str) -> bool:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(self.template)) + "$"
        return method.lower() == self.method and re.match(pattern, path) is not None

    def names(self, location: str) -> set[str]:
        return {p["name"] for p in self.parameters if p["in"] == location}

    def body_schema(self) -> dict[str, Any]:
        (body,) = [p for p in self.parameters if p["in"] == "body"]
        return body["schema"]


class Spec:
    def __init__(self, api_version: ApiVersion) -> None:
        self.document = json.loads(_SPEC_FILES[api_version].read_text(encoding="utf-8"))
        host_template = self.document["x-ms-parameterized-host"]["hostTemplate"]
        self.prefix = host_template.removeprefix("{endpoint}")
        self.definitions = _closed(copy.deepcopy(self.document["definitions"]))
        self.operations = [
            Operation(method, template, [self._resolve(p) for p in op.get("parameters", [])])
            for template, ops in self.document["paths"].items()
            for method, op in ops.items()
            if method != "parameters"
        ]

    def _resolve(self, parameter: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in parameter:
            return self.document["parameters"][parameter["$ref"].split("/")[-1]]
        return parameter

    def operation_for(self, method: str, url: str) -> Operation:
        path = urlsplit(url).path
        assert path.startswith(self.prefix), f"{path} is outside {self.prefix}"
        relative = path.removeprefix(self.prefix)
        found = [op for op in self.operations if op.matches(method, relative)]
        assert found, f"the spec has no operation {method} {relative}"
        return found[0]

    def validate_body(self, operation: Operation, body: Any) -> None:
        schema = {**_closed(operation.body_schema()), "definitions": self.definitions}
        Draft4Validator(schema).validate(body)
