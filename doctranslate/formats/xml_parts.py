"""Parse and write the XML inside documents safely and faithfully.

Safe: no document type declarations at all (office XML never has one; a DTD is how entity bombs and
external-entity reads get in), no network, no entity resolution, libxml2's size guards on.
Faithful: lxml keeps namespace prefixes, attribute order and the XML declaration, which Word relies on
(`mc:Ignorable="w14 wp14"` names prefixes; ElementTree would rename them and break the file).
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from doctranslate.errors import DocumentFormatError

XML_SPACE: Final = "{http://www.w3.org/XML/1998/namespace}space"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_xml(data: bytes, *, what: str) -> etree._ElementTree:
    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _declares_dtd(what)
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        raise DocumentFormatError(f"{what} is not well-formed XML: {exc}") from None
    if tree.docinfo.doctype:
        raise _declares_dtd(what)
    return tree


def _declares_dtd(what: str) -> DocumentFormatError:
    return DocumentFormatError(
        f"{what} declares a document type (DTD), which is refused: its entities could expand without bound "
        "or read local files",
        hint="save the document again from its application (office formats never need a DTD)",
    )


def write_xml(tree: etree._ElementTree, original: bytes) -> bytes:
    """Serialize with the original's declaration (and so its encoding and standalone flag)."""
    info = tree.docinfo
    if not original.lstrip().startswith(b"<?xml"):
        return etree.tostring(tree.getroot(), encoding=info.encoding or "UTF-8", xml_declaration=False)
    declaration = original.lstrip()[: original.lstrip().find(b"?>")]
    return etree.tostring(
        tree.getroot(),
        xml_declaration=True,
        encoding=info.encoding or "UTF-8",
        standalone=info.standalone if b"standalone" in declaration else None,
    )
