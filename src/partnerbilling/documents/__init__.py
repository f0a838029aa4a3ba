"""Invoice documents (SPEC §8): an issued invoice or credit note as a PDF/A-3 with its Factur-X
XML, the Swiss QR-bill or the EPC QR code to pay it, and the payment reference that brings a
payment back to it. Pure: a :class:`~partnerbilling.documents.domain.Document` in, bytes out."""
