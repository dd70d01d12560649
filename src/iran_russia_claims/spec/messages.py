"""What exactly is wrong with a record, per rule, and how to fix it: one wording for every engine.

The validator's located problems and the pydantic models' errors both take their messages
from :func:`message`, given the record's values. A message says the fix where the values
allow: a value outside a vocabulary is named with the closest allowed value and the list of
allowed values (white space around a value, or a difference in case alone, is said as such);
a number or length out of range says which bound it breaks and by how much. Rules with nothing
to add past their description say that.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any, Final

from iran_russia_claims.spec.patterns import HIDDEN_RANGES
from iran_russia_claims.spec.rules import RULES, band_for
from iran_russia_claims.spec.vocab import (
    ACTOR_CODE_PATTERN,
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    VOCABULARY_COLUMNS,
)

#: What a value of each vocabulary column is, in a sentence ("'x' is not a theme").
_NOUNS: Final = {"theme": "a theme", "kind": "a kind", "confidence_band": "an ICD 203 band"}
#: The vocabulary rules: rule name -> its column (the allowed values are ``vocab``'s).
_VOCABULARY_RULES: Final = {
    rule.name: str(rule.column)
    for rule in RULES.values()
    if rule.constraint == "vocabulary" and rule.column in VOCABULARY_COLUMNS
}
#: At most this many allowed values are listed (a large actor registry stays readable).
_MAX_LISTED: Final = 20

#: The rules whose message names the fix from the field's own value: a pydantic field
#: constraint's error is worded by :func:`message` for these (see ``spec.models``).
FIELD_MESSAGES: Final = frozenset(
    {*_VOCABULARY_RULES, "actors_pattern", "assertion_length", "confidence_range",
     "start_non_negative"}
)  # fmt: skip


#: Rules whose message counts the whole value (a length, every hidden character).
_WHOLE_VALUE_RULES: Final = frozenset({"assertion_length", "assertion_no_hidden_chars"})
#: How much of a long text a message works from: its first and last characters.
_KEPT_CHARS: Final = 100
#: How many items of a long list a message works from.
_KEPT_ITEMS: Final = 50


def _bounded(value: Any) -> Any:
    """A value as a message may quote it: a long text kept by its ends (which the white-space
    messages read), a long list by its first items, each bounded the same way."""
    if isinstance(value, str) and len(value) > 2 * _KEPT_CHARS + 3:
        return f"{value[:_KEPT_CHARS]}...{value[-_KEPT_CHARS:]}"
    if isinstance(value, list | tuple):
        return [_bounded(v) for v in value[:_KEPT_ITEMS]]
    return value


def message(rule: str, record: Mapping[str, Any], registry: Any = None) -> str:
    """The message for ``rule`` broken by ``record`` (a mapping of column to value); the
    registry (or just the collection's id prefix) lets it name what was expected."""
    description = RULES[rule].description if rule in RULES else rule
    if rule not in _WHOLE_VALUE_RULES:  # a message quotes values: never a megabyte of one
        record = {column: _bounded(value) for column, value in record.items()}
    get = record.get
    if rule in _VOCABULARY_RULES:
        column = _VOCABULARY_RULES[rule]
        allowed = [str(v) for v in VOCABULARY_COLUMNS[column]]
        if column not in record:
            return description
        return _not_allowed(column, get(column), allowed, _NOUNS.get(column, "allowed"))
    if rule == "confidence_range":
        found = _out_of_range("confidence", get("confidence"), CONFIDENCE_MIN, CONFIDENCE_MAX)
        return found or description
    if rule == "start_non_negative":
        return _out_of_range("start", get("start"), 0, None) or description
    if rule == "assertion_length":
        return _length(get("assertion")) or description
    if rule == "actors_pattern":
        return _actor_patterns(get("actors"), _codes(registry)) or description
    if rule == "offsets_ordered":
        return f"start {get('start')} is not before end {get('end')}"
    if rule == "band_matches_confidence":
        try:
            expected = band_for(float(record["confidence"])).value
        except (KeyError, TypeError, ValueError):
            return description
        given = get("confidence_band")
        return f"confidence {get('confidence')} lies in band {expected!r}, not {given!r}"
    if rule == "assertion_no_hidden_chars":
        return _hidden("assertion", get("assertion")) or description
    if rule == "hedges_no_hidden_chars":
        hedges = [h for h in _elements(get("hedges")) if isinstance(h, str)]
        said = "; ".join(filter(None, (_hidden(f"hedge {_short(h)}", h) for h in hedges)))
        return said or description
    if rule == "hedges_words":
        return f"hedges {get('hedges')!r}: {description}"
    if rule == "id_pattern":
        prefix = registry if isinstance(registry, str) else getattr(registry, "id_prefix", None)
        if prefix:
            return f"id is not {prefix}-NNNN (this collection's prefix, four digits or more)"
        return description
    if registry is None or isinstance(registry, str):
        return description
    source = registry.sources.get(str(get("source_id")))
    if rule == "source_registered":
        known = ", ".join(sorted(registry.sources)[:5])
        return f"source {get('source_id')!r} is not in the registry (known: {known})"
    if rule == "actors_registered":
        return _unregistered(get("actors"), _codes(registry)) or description
    if rule == "end_within_source" and source is not None:
        return (
            f"end {get('end')} is beyond the end of source {source.id!r} "
            f"({source.length} characters)"
        )
    if rule == "section_matches_offsets" and source is not None:
        found = source.section_at(int(record["start"]))
        if found is not None:
            return f"start {get('start')} lies in section {found.slug!r}, not {get('section')!r}"
    return description


# -- vocabularies --------------------------------------------------------------------------------
def _not_allowed(
    what: str, value: Any, allowed: Sequence[str], noun: str, listed: bool = True
) -> str:
    """``value`` is not among ``allowed``: white space or case said as such; otherwise the
    closest allowed value, if one is close, and (if ``listed``) the allowed values."""
    listing = f" (allowed: {_listing(allowed)})" if listed else ""
    if not isinstance(value, str):
        return f"{what} {value!r} is not {noun}{listing}"
    fixed = _same_but_spacing_or_case(value, allowed)
    if fixed is not None:
        return f"{what} {fixed}"
    close = closest(value, allowed)
    guess = f"; did you mean {close!r}?" if close is not None else ""
    return f"{what} {value!r} is not {noun}{guess}{listing}"


def _same_but_spacing_or_case(value: str, allowed: Sequence[str]) -> str | None:
    """What differs between ``value`` and the allowed value it stands for when only the white
    space around it or the case of its letters does; None when it differs otherwise."""
    stripped = value.strip()
    ends = _spaced_ends(value)
    if stripped in allowed and ends:
        return f"{value!r} has white space at its {ends}: use {stripped!r}"
    same_case = {a.casefold(): a for a in allowed}
    target = same_case.get(stripped.casefold())
    if target is None:
        return None
    if ends:
        return (
            f"{value!r} has white space at its {ends} and differs from {target!r} in case: "
            f"use {target!r}"
        )
    return f"{value!r} differs from {target!r} only in case: use {target!r}"


def _spaced_ends(value: str) -> str:
    """Which ends of ``value`` have white space: "start", "end", "start and end" or ""."""
    start = value[:1].isspace()
    end = value[-1:].isspace()
    return " and ".join(w for w, at in (("start", start), ("end", end)) if at)


def closest(value: str, allowed: Iterable[str]) -> str | None:
    """The allowed value closest to ``value`` (``difflib``, letter case ignored), if any is
    close enough."""
    by_key = {a.casefold(): a for a in allowed}
    found = difflib.get_close_matches(value.strip().casefold(), list(by_key), n=1)
    return by_key[found[0]] if found else None


def _listing(values: Sequence[str]) -> str:
    shown = ", ".join(values[:_MAX_LISTED])
    more = len(values) - _MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


# -- actor codes ---------------------------------------------------------------------------------
def _codes(registry: Any) -> list[str] | None:
    """The registered actor codes, sorted; None without a registry."""
    actors = getattr(registry, "actors", None)
    return sorted(actors) if actors is not None else None


def _elements(values: Any) -> list[Any]:
    if values is None or isinstance(values, str):
        return []
    try:
        return list(values)
    except TypeError:
        return []


def _actor_patterns(actors: Any, codes: list[str] | None) -> str | None:
    """Each code that is not an upper-case code, with its fix: the registered code it stands
    for (given the registry), else the code in upper case where that would be one."""
    bad = [c for c in _elements(actors) if not (isinstance(c, str) and _is_code(c))]
    if not bad:
        return None
    said = "; ".join(_actor_pattern(code, codes) for code in bad)
    if codes and any(
        not isinstance(c, str) or _same_but_spacing_or_case(c, codes) is None for c in bad
    ):
        said += f" (registered: {_listing(codes)})"
    return said


def _actor_pattern(code: Any, codes: list[str] | None) -> str:
    if not isinstance(code, str):
        return f"actor code {code!r} is not text"
    if codes:
        return _not_allowed("actor code", code, codes, "an upper-case code", listed=False)
    stripped, ends = code.strip(), _spaced_ends(code)
    if ends and _is_code(stripped):
        return f"actor code {code!r} has white space at its {ends}: use {stripped!r}"
    if _is_code(stripped.upper()):
        return f"actor code {code!r} is not in upper case: use {stripped.upper()!r}"
    return (
        f"actor code {code!r} is not an upper-case code such as IRN or RUS_BUS "
        "(a capital letter, then 1 to 15 capital letters, digits or _)"
    )


def _is_code(text: str) -> bool:
    return re.fullmatch(ACTOR_CODE_PATTERN, text) is not None


def _unregistered(actors: Any, codes: list[str] | None) -> str | None:
    """Each code not in the actor registry, with the closest registered code, then the
    registered codes."""
    if codes is None:
        return None
    unknown = [c for c in _elements(actors) if c not in codes]
    if not unknown:
        return None
    said = []
    for code in unknown:
        close = closest(code, codes) if isinstance(code, str) else None
        guess = f"; did you mean {close!r}?" if close is not None else ""
        said.append(f"actor code {code!r} is not in the actor registry{guess}")
    return f"{'; '.join(said)} (registered: {_listing(codes)})"


# -- hidden characters ----------------------------------------------------------------------------
_HIDDEN_ONE: Final = re.compile(
    "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in HIDDEN_RANGES) + "]"
)
#: At most this many hidden characters are named in one message.
_MAX_HIDDEN: Final = 5


def _short(text: str, keep: int = 40) -> str:
    """``repr`` of a text, of its first characters only when it is long."""
    return repr(text) if len(text) <= keep else f"{text[:keep]!r}..."


def _hidden(what: str, text: Any) -> str | None:
    """Each hidden character of ``text``: its code, its name and where it is (from 1)."""
    if not isinstance(text, str):
        return None
    first = [(m.start() + 1, m.group()) for m in islice(_HIDDEN_ONE.finditer(text), _MAX_HIDDEN)]
    if not first:
        return None
    total = len(text) - len(_HIDDEN_ONE.sub("", text))  # counted in C, however many
    named = ", ".join(
        f"U+{ord(c):04X} {unicodedata.name(c, 'an unassigned code point')} at character {i}"
        for i, c in first
    )
    more = f" and {total - len(first)} more" if total > len(first) else ""
    it = "it" if total == 1 else "them"
    return f"{what} holds {named}{more}, which the eye does not see: delete {it}"


# -- bounds --------------------------------------------------------------------------------------
def _out_of_range(what: str, value: Any, low: float | None, high: float | None) -> str | None:
    """Which bound ``value`` breaks, and by how much; None when it breaks neither."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if high is not None and value > high:
        return f"{what} {value} is above the maximum {high} by {_amount(value - high)}"
    if low is not None and value < low:
        return f"{what} {value} is below the minimum {low} by {_amount(low - value)}"
    return None


def _amount(difference: float) -> str:
    """A difference as people write it: 0.51, not 0.51000000000000001."""
    if isinstance(difference, int):
        return str(difference)
    return repr(float(f"{difference:.12g}"))


def _length(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    n = len(text)
    if n < ASSERTION_MIN_CHARS:
        short = ASSERTION_MIN_CHARS - n
        return (
            f"assertion has {_characters(n)}, {short} fewer than the minimum {ASSERTION_MIN_CHARS}"
        )
    if n > ASSERTION_MAX_CHARS:
        over = n - ASSERTION_MAX_CHARS
        return f"assertion has {_characters(n)}, {over} more than the maximum {ASSERTION_MAX_CHARS}"
    return None


def _characters(n: int) -> str:
    return "1 character" if n == 1 else f"{n} characters"
