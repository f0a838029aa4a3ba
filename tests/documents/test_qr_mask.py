"""The QR mask chooser scores a symbol exactly as segno's reference implementation of ISO/IEC
18004 7.8.3 does, and picks the lowest score."""

from __future__ import annotations

import segno
from segno import encoder

from partnerbilling.documents.pdf import render_pdf
from partnerbilling.documents.qr_mask import best_mask, penalty
from partnerbilling.documents.swiss_qr import swiss_payload
from tests.documents import pdf_samples, reading

PAYLOADS = [
    swiss_payload(pdf_samples.invoice(qr_iban=True)),
    swiss_payload(pdf_samples.invoice(buyer=pdf_samples.FRENCH)),
    "BCD\n002\n1\nSCT\nCOBADEFFXXX\nAlpenhost AG\nDE89370400440532013000\nEUR129.72\n\nRF022026000042",
]


def _rows(matrix: tuple[bytearray, ...]) -> list[int]:
    return [sum(1 << j for j, module in enumerate(row) if module) for row in matrix]


def test_the_penalty_is_segnos_for_every_mask() -> None:
    for payload in PAYLOADS:
        for mask in range(8):
            matrix = segno.make_qr(payload, error="m", boost_error=False, encoding="utf-8", mask=mask).matrix
            width = len(matrix)
            expected = encoder.evaluate_mask([bytearray(row) for row in matrix], width, width)  # type: ignore[no-untyped-call]
            assert penalty(_rows(matrix), width) == expected


def test_the_mask_chosen_has_the_lowest_penalty() -> None:
    for payload in PAYLOADS:
        first = segno.make_qr(payload, error="m", boost_error=False, encoding="utf-8", mask=0)
        chosen = best_mask(first.matrix)
        scores = []
        for mask in range(8):
            matrix = segno.make_qr(payload, error="m", boost_error=False, encoding="utf-8", mask=mask).matrix
            scores.append(penalty(_rows(matrix), len(matrix)))
        assert scores[chosen] == min(scores), (chosen, scores)


def test_the_qr_code_is_drawn_as_vector_rectangles() -> None:
    pdf = render_pdf(pdf_samples.invoice(qr_iban=True), pdf_samples.XML)
    [page] = reading.reader(pdf).pages
    contents = page.get_contents()
    assert contents is not None
    assert contents.get_data().count(b" re") > 500  # a rectangle per run of dark modules
    assert "/XObject" not in reading.dictionary(page["/Resources"])  # no image
