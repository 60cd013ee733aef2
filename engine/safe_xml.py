"""The one way Legato's XML parsers are made: whatever the text, no entity is expanded, no
DTD loaded, nothing fetched from the network, no tree beyond libxml2's default limits."""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no stubs


def hardened_parser(**options: Any) -> Any:
    """An lxml parser for untrusted XML; `options` add what the caller keeps or drops
    (comments, processing instructions, CDATA)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        **options,
    )
