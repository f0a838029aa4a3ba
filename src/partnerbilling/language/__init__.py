"""The service's languages (de, fr, it, en): every word it writes, one table per language with the
same keys (:mod:`.de`, :mod:`.fr`, :mod:`.it`, :mod:`.en`), and how each writes a label before
its value. Numbers, dates and references are formatted by :mod:`.formats`."""

from __future__ import annotations

from enum import StrEnum

from partnerbilling.language import de, en, fr, it


class Language(StrEnum):
    DE = "de"
    FR = "fr"
    IT = "it"
    EN = "en"

    @classmethod
    def of(cls, code: str | None) -> Language:
        """The language of a profile's ``language`` (English when unknown or absent)."""
        return cls(code) if code in _CODES else cls.EN


_CODES = frozenset(language.value for language in Language)
TABLES: dict[Language, dict[str, str]] = {
    Language.DE: de.WORDS,
    Language.FR: fr.WORDS,
    Language.IT: it.WORDS,
    Language.EN: en.WORDS,
}


def word(key: str, language: Language) -> str:
    """The text of ``key`` in ``language`` (a ``{placeholder}`` template for some keys)."""
    return TABLES[language][key]


def labelled(label: str, language: Language) -> str:
    """``label`` followed by its colon: ``Période :`` in French (a no-break space before it),
    ``Zeitraum:`` otherwise."""
    return f"{label}\u00a0:" if language is Language.FR else f"{label}:"
