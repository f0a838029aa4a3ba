"""The scissors symbol on the QR-bill's perforation lines: the outline SIX's style guide shows (as
the ``qrbill`` package carries it, an SVG path of relative moves and curves), drawn as a filled
vector path centred on a point of the line."""

from __future__ import annotations

import re
from functools import cache

from qrbill.bill import SCISSORS_SVG_PATH

from partnerbilling.documents.drawing import Canvas, mm

Point = tuple[float, float]
# A subpath: its start, then cubic segments (control, control, end), absolute, y pointing down.
Subpath = tuple[Point, list[tuple[Point, Point, Point]]]
_TOKEN = re.compile(r"[mcz]|-?[0-9.]+(?:e-?[0-9]+)?")
LENGTH = 4.5 * mm


def _subpaths(svg: str) -> list[Subpath]:
    """The subpaths of a path made of ``m`` (a move, then straight lines), ``c`` and ``z``, all
    relative, as the scissors outline is."""
    tokens = _TOKEN.findall(svg)
    found: list[Subpath] = []
    here: Point = (0.0, 0.0)
    command, numbers = "", list[float]()
    for token in [*tokens, "z"]:
        if token in "mcz":
            here = _apply(command, numbers, here, found)
            command, numbers = token, []
        else:
            numbers.append(float(token))
    return found


def _apply(command: str, numbers: list[float], here: Point, found: list[Subpath]) -> Point:
    pairs = [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
    if command == "m":
        start = (here[0] + pairs[0][0], here[1] + pairs[0][1])
        found.append((start, []))
        here = start
        for dx, dy in pairs[1:]:  # further pairs of a move are straight lines
            end = (here[0] + dx, here[1] + dy)
            found[-1][1].append((here, end, end))
            here = end
    elif command == "c":
        for i in range(0, len(pairs) - 2, 3):
            c1, c2, end = ((here[0] + dx, here[1] + dy) for dx, dy in pairs[i : i + 3])
            found[-1][1].append((c1, c2, end))
            here = end
    elif command == "z" and found:
        here = found[-1][0]
    return here


@cache
def _outline() -> tuple[list[Subpath], Point, float]:
    subpaths = _subpaths(SCISSORS_SVG_PATH)
    points = [point for start, segments in subpaths for segment in segments for point in segment]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    centre = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return subpaths, centre, LENGTH / (max(xs) - min(xs))


def draw_scissors(canvas: Canvas, x: float, y: float, *, rotation: float) -> None:
    """The scissors, ``LENGTH`` long, centred on (``x``, ``y``), turned by ``rotation`` degrees
    (0: along a horizontal line) over a white patch that interrupts the line."""
    subpaths, (cx, cy), scale = _outline()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.rotate(rotation)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(-LENGTH * 0.55, -LENGTH * 0.3, LENGTH * 1.1, LENGTH * 0.6, stroke=0, fill=1)
    path = canvas.beginPath()
    for (sx, sy), segments in subpaths:
        path.moveTo((sx - cx) * scale, (cy - sy) * scale)
        for (x1, y1), (x2, y2), (x3, y3) in segments:
            path.curveTo(
                (x1 - cx) * scale,
                (cy - y1) * scale,
                (x2 - cx) * scale,
                (cy - y2) * scale,
                (x3 - cx) * scale,
                (cy - y3) * scale,
            )
        path.close()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
