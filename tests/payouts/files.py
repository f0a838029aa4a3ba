"""Reading a payout batch's pain.001 (validated against the XSD that sepaxml ships)."""

from __future__ import annotations

import os

import sepaxml
from lxml import etree

from partnerbilling.payouts.pain001 import NAMESPACE

NS = {"p": NAMESPACE}
PAIN001_SCHEMA = etree.XMLSchema(
    etree.parse(os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.09.xsd"))
)


def valid_pain001(document: bytes) -> etree._Element:
    """The file's root, once the schema accepted it."""
    root = etree.fromstring(document)
    assert PAIN001_SCHEMA.validate(root), PAIN001_SCHEMA.error_log
    return root


def text_at(element: etree._Element, path: str) -> str:
    found = element.findtext(path, namespaces=NS)
    assert found is not None, path
    return found
