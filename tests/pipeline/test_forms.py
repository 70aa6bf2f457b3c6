"""The run forms the Prefect UI draws from each deployment's parameter schema (prefect.yaml's entrypoints):
every field explained, none drawn as a switch between a value and "None"."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect.utilities.callables import parameter_schema

from doctranslate.pipeline.request import TranslationRequest

REPO = Path(__file__).parents[2]


def entrypoints() -> list[str]:
    project = yaml.safe_load((REPO / "prefect.yaml").read_text())
    return sorted({deployment["entrypoint"] for deployment in project["deployments"]})


def fields(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every field of the form: the flow's parameters and those of the models they hold."""
    for model in [schema, *schema.get("definitions", {}).values()]:
        for name, field in model.get("properties", {}).items():
            yield f"{model.get('title', '')}.{name}", field


@pytest.mark.parametrize("entrypoint", entrypoints())
def test_every_field_of_every_run_form_is_described_and_none_is_a_none_switch(entrypoint: str) -> None:
    module, name = entrypoint.split(":")
    schema = parameter_schema(getattr(importlib.import_module(module), name).fn).model_dump()

    listed = dict(fields(schema))
    assert listed, entrypoint
    undescribed = [name for name, field in listed.items() if not field.get("description") and "$ref" not in field]
    assert not undescribed, f"fields with no description in {entrypoint}: {undescribed}"
    switches = [name for name, field in listed.items() if {"type": "null"} in field.get("anyOf", [])]
    assert not switches, f"drawn as a value-or-None switch in {entrypoint}: {switches}"


def test_an_optional_field_left_out_or_left_empty_in_a_form_is_not_given() -> None:
    empty = TranslationRequest.model_validate(
        {"sources": ["docs"], "languages": ["fr"], "source_language": "", "job": " ", "translator_block": ""}
    )
    left_out = TranslationRequest.model_validate({"sources": ["docs"], "languages": ["fr"]})

    assert empty == left_out
    assert (empty.source_language, empty.job, empty.translator_block, empty.budget) == (None, None, None, None)
