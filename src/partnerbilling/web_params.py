"""Query parameters read by the web layer: ``?limit=`` and the ``Page`` dependency
(``?limit=&cursor=``) that the list endpoints take, turned into a
:class:`~partnerbilling.pagination.PageParams` for the services."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BeforeValidator

from partnerbilling.pagination import PageParams, decode_cursor

_DIGITS = re.compile(r"[0-9]{1,9}")


def _digits(value: object) -> object:
    """A query integer written in digits only: no sign, spaces, underscores, point or exponent."""
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise ValueError("must be a whole number written in digits")
        return int(value)
    return value


# The validator after Query: before it, FastAPI would document the bounds as "ge"/"le".
Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1–100."), BeforeValidator(_digits)]
"""``?limit=``: the page size."""


async def _page_params(
    limit: Limit = 20,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, after=decode_cursor(cursor) if cursor else None)


Page = Annotated[PageParams, Depends(_page_params)]


__all__ = ["Limit", "Page"]
