"""The base of every wire model: camelCase on the wire, snake_case in Python, unknown fields kept.

The service adds fields over time (image counters in 2024-11, `deploymentName` in 2026-03), so a
response we do not fully know must still parse, and re-serializing it must not drop what it had.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        frozen=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body as the service expects it: aliases, no nulls, secrets revealed."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, context={"reveal_secrets": True})
