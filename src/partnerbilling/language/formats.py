"""How each value is written (CLDR data through Babel): amounts as the buyer's country writes
them whatever the language (CH/LI ``1'234.50``, DE/AT ``1.234,50``, FR/BE/LU ``1 234,50``, IT
``1.234,50``, elsewhere as the language writes them), dates as the language does (``31.12.2026``,
``31 Dec 2026`` in English), references grouped as people type them. The Babel locale and
pattern objects are built once each and cached, and so are the amounts written lately: a
document formats dozens of values."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

from partnerbilling.billing.money import round_money
from partnerbilling.language import Language

# The locale whose digits a country's readers expect, whatever the document's language.
_COUNTRY_LOCALE = {
    "CH": "de_CH",
    "LI": "de_CH",
    "DE": "de_DE",
    "AT": "de_DE",
    "FR": "fr_FR",
    "BE": "fr_FR",
    "LU": "fr_FR",
    "IT": "it_IT",
}
# The narrow no-break space CLDR groups French digits with is not in the documents' font; the
# no-break space looks the same there and in an e-mail.
_NARROW_NBSP, _NBSP = "\u202f", "\u00a0"


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def _number_locale(language: Language, country: str | None) -> Locale:
    return _locale(_COUNTRY_LOCALE.get(country or "", language.value))


@lru_cache(maxsize=4096)
def amount_text(amount: Decimal, language: Language, country: str | None) -> str:
    """An amount with two decimals and grouped thousands as ``country`` writes it (``-120.00``
    on a credit note)."""
    text: str = _pattern("#,##0.00").apply(round_money(amount), _number_locale(language, country))
    return text.replace(_NARROW_NBSP, _NBSP)


@lru_cache(maxsize=256)
def rate_text(rate: Decimal, language: Language, country: str | None) -> str:
    """A VAT rate as a percentage: ``0.081`` → ``8.1 %`` (``8,1 %`` in Germany)."""
    text = _pattern("#,##0.##").apply(rate * 100, _number_locale(language, country))
    return f"{text.replace(_NARROW_NBSP, _NBSP)}\u00a0%"


def qr_amount_text(amount: Decimal) -> str:
    """An amount as the QR-bill prints it (SIX style guide): thousands grouped by a space, a
    decimal point, whatever the language."""
    whole, cents = f"{round_money(amount):.2f}".split(".")
    return f"{int(whole):,}".replace(",", " ") + f".{cents}"


def date_text(day: date, language: Language) -> str:
    """``31.12.2026`` (de, fr, it) or ``31 Dec 2026`` (en)."""
    if language is Language.EN:
        return format_date(day, "d MMM y", locale=_locale("en"))
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def moment_texts(at: datetime, zone: ZoneInfo, language: Language) -> tuple[str, str]:
    """A moment as its calendar date and time of day in ``zone``: ``("31.12.2026", "14:05")``."""
    local = at.astimezone(zone)
    return date_text(local.date(), language), time_text(local.time())


def time_text(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def period_text(start: date, end: date, language: Language) -> str:
    """A supply period, ``end`` exclusive (as stored), written with its first and last day."""
    return f"{date_text(start, language)} – {date_text(end - timedelta(days=1), language)}"


def reference_text(reference: str) -> str:
    """A payment reference as people type it: a creditor reference in fours from the left
    (``RF18 5390 0754 7034``), a QR reference in fives from the right
    (``21 00000 00003 13947 14300 09017``)."""
    if reference.startswith("RF"):
        return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
    head = len(reference) % 5
    groups = [reference[:head]] if head else []
    groups.extend(reference[i : i + 5] for i in range(head, len(reference), 5))
    return " ".join(groups)
