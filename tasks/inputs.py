"""Handing a large value to a task without Prefect walking through all of it.

Before each task run Prefect visits every parameter recursively, field by field and item by item, twice:
once looking for futures and states to wait on, once for the upstream runs to draw as dependencies. A plan,
a batch or a report holds a record per document, so that walk cost more CPU than the task's own work
(docs/performance.md). Our flows pass tasks finished values only, so the walk finds nothing; `opaque` tells
Prefect to look at the value itself, not inside it: the dependency on the task that returned it is still
drawn in the UI, and the task receives the value unchanged.
"""

from __future__ import annotations

from typing import TypeVar, cast

from prefect.utilities.annotations import opaque

T = TypeVar("T")


def whole(value: T) -> T:
    """`value`, for Prefect to take as one thing (typed as itself, so the task's signature still checks)."""
    return cast(T, opaque(value))
