"""A QR code drawn as vector squares: the symbol's dark modules, each row's runs merged into
one rectangle, filled in one path (crisp at any zoom and printer, and a few hundred operators
rather than thousands)."""

from __future__ import annotations

import segno

from partnerbilling.documents.drawing import Canvas
from partnerbilling.documents.qr_mask import best_mask


def qr_matrix(payload: str | bytes) -> tuple[tuple[bool, ...], ...]:
    """The modules of ``payload``'s QR code, error correction M (as both the Swiss QR-bill and
    EPC069-12 ask), byte mode in UTF-8 without an ECI header, no quiet zone, the mask chosen by
    the standard's penalty rule."""
    first = segno.make_qr(payload, error="m", boost_error=False, encoding="utf-8", mask=0)
    code = segno.make_qr(
        payload, error="m", boost_error=False, encoding="utf-8", mask=best_mask(first.matrix)
    )
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def draw_matrix(
    canvas: Canvas, matrix: tuple[tuple[bool, ...], ...], x: float, y: float, size: float
) -> None:
    """The symbol filling the square ``size`` wide whose lower left corner is (``x``, ``y``)."""
    module = size / len(matrix)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        bottom = y + size - (row_index + 1) * module
        start: int | None = None
        for column, dark in enumerate((*row, False)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                path.rect(x + start * module, bottom, (column - start) * module, module)
                start = None
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
