"""What makes the rendered PDF a PDF/A-3b Factur-X file, written into reportlab's document
structures: the XMP metadata (PDF/A identification, the Factur-X extension schema and its
properties, the document information repeated as PDF/A requires), the sRGB output intent, the
XML attached as ``factur-x.xml`` (``/AFRelationship /Data``, listed in the catalog's ``/AF``),
and what keeps the bytes the same on every run: creation and modification dates = the issue
time, a document ID derived from the number, no time stamp anywhere else."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from PIL import ImageCms
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

from partnerbilling.documents.drawing import REGULAR, Canvas

FILENAME = "factur-x.xml"
PRODUCER = "partnerbilling"
_FX = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
_FX_PROPERTIES = (
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
)


@dataclass(frozen=True, slots=True)
class Info:
    """The document information, written both into the Info dictionary and the XMP (PDF/A asks
    that they agree)."""

    title: str
    author: str
    subject: str
    keywords: str
    time: datetime  # the issue time; the file's creation and modification time


@cache
def srgb_profile() -> bytes:
    """The sRGB ICC profile LittleCMS builds in memory (no file read), made once."""
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def _utc(time: datetime) -> datetime:
    return (time if time.tzinfo else time.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)


def _pdf_date(time: datetime) -> str:
    return _utc(time).strftime("D:%Y%m%d%H%M%S+00'00'")


def _property(name: str, description: str) -> str:
    return (
        '<rdf:li rdf:parseType="Resource"><pdfaProperty:name>'
        f"{name}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>"
        f"{description}</pdfaProperty:description></rdf:li>"
    )


def xmp(info: Info) -> bytes:
    """The XMP packet: PDF/A-3B, Factur-X ``INVOICE`` / ``factur-x.xml`` / ``1.0`` /
    ``EN 16931``, and the document information."""
    stamp = _utc(info.time).isoformat()
    properties = "".join(_property(name, description) for name, description in _FX_PROPERTIES)
    text = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(info.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.subject)}</rdf:li></rdf:Alt>
</dc:description>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{PRODUCER}</pdf:Producer><pdf:Keywords>{escape(info.keywords)}</pdf:Keywords></rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool><xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{_FX}</pdfaSchema:namespaceURI><pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
<rdf:Description rdf:about="" xmlns:fx="{_FX}">
<fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>{FILENAME}</fx:DocumentFileName>
<fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel></rdf:Description>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""
    return text.encode("utf-8")


def pdfa_canvas(target: object, info: Info, page_size: tuple[float, float]) -> Canvas:
    """A canvas whose document information and dates are ``info``'s, and whose ID is derived
    from its keywords (the document number)."""
    canvas = Canvas(
        target,  # type: ignore[arg-type]
        pagesize=page_size,
        invariant=1,
        pageCompression=1,
        pdfVersion=(1, 7),
        initialFontName=REGULAR,  # type: ignore[arg-type]
    )
    canvas.setTitle(info.title)
    canvas.setAuthor(info.author)
    canvas.setSubject(info.subject)
    canvas.setKeywords(info.keywords)
    canvas.setCreator(PRODUCER)
    canvas.setProducer(PRODUCER)
    stamp = _pdf_date(info.time)
    canvas.setDateFormatter(lambda *_: stamp)
    digest = hashlib.md5(info.keywords.encode(), usedforsecurity=False).hexdigest().encode()
    _document(canvas)._ID = b"\n[<" + digest + b"><" + digest + b">]\n"
    return canvas


def _document(canvas: Canvas) -> Any:
    """The canvas's document (reportlab's type stubs declare neither it, nor its catalog, nor
    its ID)."""
    return canvas._doc  # type: ignore[attr-defined]


def _compressed(data: bytes, entries: dict[str, object]) -> PDFStream:
    return PDFStream(PDFDictionary({**entries, "Filter": PDFName("FlateDecode")}), zlib.compress(data, 6))


def _attachment(xml: bytes, time: datetime) -> PDFDictionary:
    stamp = PDFString(_pdf_date(time))
    params = PDFDictionary({"Size": len(xml), "ModDate": stamp, "CreationDate": stamp})
    stream = _compressed(xml, {"Type": PDFName("EmbeddedFile"), "Subtype": "/text#2Fxml", "Params": params})
    return PDFDictionary(
        {
            "Type": PDFName("Filespec"),
            "F": PDFString(FILENAME),
            "UF": PDFString(FILENAME),
            "Desc": PDFString("Factur-X XML invoice"),
            "AFRelationship": PDFName("Data"),
            "EF": PDFDictionary({"F": stream, "UF": stream}),
        }
    )


def make_pdfa(canvas: Canvas, info: Info, xml: bytes) -> None:
    """Adds the metadata, the output intent and the attached XML to the canvas's catalog (call
    before ``save``)."""
    document = _document(canvas)
    catalog = document.Catalog
    metadata = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), xmp(info))
    profile = _compressed(srgb_profile(), {"N": 3})
    intent = PDFDictionary(
        {
            "Type": PDFName("OutputIntent"),
            "S": PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
            "Info": PDFString("sRGB IEC61966-2.1"),
            "DestOutputProfile": profile,
        }
    )
    filespec = document.Reference(_attachment(xml, info.time))
    catalog.Metadata = metadata
    catalog.Names = PDFDictionary(
        {"EmbeddedFiles": PDFDictionary({"Names": PDFArray([PDFString(FILENAME), filespec])})}
    )
    catalog.OutputIntents = PDFArray([intent])
    catalog.AF = PDFArray([filespec])
    # The catalog writes only the keys its class lists; these two are PDF/A-3's.
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents", "AF"]
