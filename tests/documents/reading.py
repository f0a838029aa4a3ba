"""Reading a rendered PDF back as its reader would: the pages as images (pypdfium2), the QR codes
on them (zxing-cpp), its text and its catalog (pypdf)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pypdfium2
import zxingcpp
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, PdfObject


def qr_codes_per_page(pdf: bytes, dpi: int = 200) -> list[list[str]]:
    """The text of every QR code on each page, page by page."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for index in range(len(document)):
        image = document[index].render(scale=dpi / 72).to_pil()
        codes = zxingcpp.read_barcodes(image)
        found.append([code.text for code in codes if code.format == zxingcpp.BarcodeFormat.QRCode])
    return found


def text(pdf: bytes) -> str:
    """The text of all pages, lines joined by newlines."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def dictionary(value: object) -> dict[str, Any]:
    """A PDF dictionary's entries (pypdf's objects), the reference to it resolved."""
    resolved = value.get_object() if isinstance(value, PdfObject) else value
    assert isinstance(resolved, DictionaryObject), resolved
    return dict(resolved)


def catalog(pdf: bytes) -> dict[str, Any]:
    return dictionary(reader(pdf).trailer["/Root"])
