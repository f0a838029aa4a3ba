"""What every part of the page draws with: the embedded fonts (PDF/A admits no other), millimetres,
the colours (RGB only: the page's output intent is sRGB) and text that fits a width."""

from __future__ import annotations

from pathlib import Path

import reportlab
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

# ASCII85 makes every binary stream a quarter larger and costs time; a PDF is binary anyway.
# Nothing else in the process draws with reportlab.
rl_config.useA85 = 0

REGULAR = "PBSans"
BOLD = "PBSans-Bold"
_FONTS = Path(reportlab.__file__).parent / "fonts"
# Bitstream Vera Sans, shipped with reportlab: a sans-serif of Helvetica's proportions, embedded
# as a subset in every document.
pdfmetrics.registerFont(TTFont(REGULAR, str(_FONTS / "Vera.ttf")))
pdfmetrics.registerFont(TTFont(BOLD, str(_FONTS / "VeraBd.ttf")))

BLACK = (0.0, 0.0, 0.0)
GREY = (0.38, 0.38, 0.38)
RULE = (0.7, 0.7, 0.7)
SHADE = (0.94, 0.94, 0.94)

__all__ = ["BLACK", "BOLD", "GREY", "REGULAR", "RULE", "SHADE", "Canvas", "mm"]


def width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def fitted(text: str, font: str, size: float, room: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``room`` points (a name too long for its
    column must not run into the next one)."""
    if width(text, font, size) <= room:
        return text
    while text and width(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def wrapped(text: str, font: str, size: float, room: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``room`` (a word longer than the room
    is broken where it must: nothing is cut)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if width(candidate, font, size) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        *whole, line = _broken(word, font, size, room)
        lines.extend(whole)
    if line or not lines:
        lines.append(line)
    return lines


def _broken(word: str, font: str, size: float, room: float) -> list[str]:
    """A word in pieces no wider than ``room`` (at least one character each)."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and width(piece + char, font, size) > room:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]


def write(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    *,
    size: float = 9,
    font: str = REGULAR,
    colour: tuple[float, float, float] = BLACK,
    align: str = "left",
) -> None:
    """One line of text with its baseline at ``y``; ``align`` left, right (``x`` is the right
    edge) or centre."""
    canvas.setFont(font, size)
    canvas.setFillColorRGB(*colour)
    if align == "right":
        canvas.drawRightString(x, y, text)
    elif align == "centre":
        canvas.drawCentredString(x, y, text)
    else:
        canvas.drawString(x, y, text)


def write_lines(
    canvas: Canvas,
    x: float,
    top: float,
    lines: list[str],
    *,
    size: float = 9,
    leading: float | None = None,
    font: str = REGULAR,
    colour: tuple[float, float, float] = BLACK,
) -> float:
    """Lines from ``top`` (the top of the first line's em box) down; returns the y below the
    last line."""
    step = leading if leading is not None else size * 1.25
    for index, line in enumerate(lines):
        write(canvas, x, top - size * 0.9 - index * step, line, size=size, font=font, colour=colour)
    return top - len(lines) * step
