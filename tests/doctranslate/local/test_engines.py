"""The pseudo engine: visible, expanded, reversible; glossary terms verbatim."""

from __future__ import annotations

from doctranslate.formats.glossaries import GlossaryTerms
from doctranslate.local.engines import PseudoEngine, unpseudo


def test_pseudo_is_visible_expanded_and_reversible() -> None:
    (out,) = PseudoEngine().translate(["Hello, world!"], source_language=None, target_language="fr", glossary=None)
    assert out.startswith("[fr: ") and out.endswith("]")
    assert len(out) > len("Hello, world!") * 1.3
    assert not any(ch in out for ch in "elo")  # every letter changed
    assert unpseudo(out) == "Hello, world!"


def test_glossary_terms_are_inserted_verbatim() -> None:
    glossary = GlossaryTerms({"Prefect": "Prefect", "flow": "Fluss"})
    (out,) = PseudoEngine().translate(
        ["Run the flow in Prefect."], source_language="en", target_language="de", glossary=glossary
    )
    assert "Fluss" in out and "Prefect" in out
