"""A problem found in data: where, which rule, what value, and what to do.

A problem always names where (file, row, record id, column), which rule broke, what the value
was and, where one helps, what to do. Nothing here raises: callers decide the exit code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any, Final

from iran_russia_claims.spec.neutral import neutral, no_command
from iran_russia_claims.spec.rules import RULES

_MAX_VALUE_CHARS: Final = 80
#: How much of a long text or list a problem keeps (the JSON report gives the value itself).
_MAX_KEPT_CHARS: Final = 200
_MAX_KEPT_ITEMS: Final = 50
#: How many values (items and entries, at every depth) a problem keeps of one value, and how
#: deep: a value nested deeper (or a list that holds itself) is shown as "...".
_MAX_KEPT_VALUES: Final = 200
_MAX_DEPTH: Final = 4
#: A whole number of more than ``_MAX_KEPT_CHARS`` digits is kept as its text, cut; one of at
#: most this many bits (some 180 digits) is known to be shorter without writing it.
_MAX_INT_BITS: Final = 600
_CUT: Final = "..."
#: How much of a record id or a column name a problem keeps (a hostile file may hold a name of
#: megabytes): cut in the middle beyond this, its full length kept beside it.
MAX_NAME_CHARS: Final = 200


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds (``np.int64(5)`` reads as 5); any other value
    as it is (a NumPy array is a sequence)."""
    if type(value).__module__ == "numpy" and getattr(value, "ndim", 1) == 0:
        return value.tolist()
    return value


def _is_sequence(value: Any) -> bool:
    """A list, a tuple or an array of NumPy (kept as a list)."""
    return isinstance(value, list | tuple) or (
        type(value).__module__ == "numpy" and getattr(value, "ndim", 0) > 0
    )


def _digits(value: int) -> str | None:
    """A whole number's digits; None where Python refuses to write that many."""
    try:
        return str(value)
    except ValueError:  # over sys.get_int_max_str_digits()
        return None


def _int_text(value: int) -> str:
    """A whole number's digits, or what it is where Python refuses to write that many."""
    digits = _digits(value)
    return f"<an integer of {value.bit_length()} bits>" if digits is None else digits


def _own_repr(value: Any) -> str:
    """The ``repr`` of an object of another type (whole: that costs what the object makes it
    cost), or what it is when its ``repr`` fails."""
    try:
        return repr(value)
    except Exception as exc:
        return f"<{type(value).__name__} object whose repr failed: {type(exc).__name__}>"


def _ends(text: Any, keep: int) -> Any:
    """A long text or byte string as its first and last ``keep`` characters: enough to show
    its two ends once cut in the middle, without rendering the rest."""
    return text[:keep] + text[-keep:] if len(text) > 2 * keep else text


def _short_repr(value: Any, room: int, depth: int) -> str:
    """``repr(value)`` as far as its first and last ``room`` characters go: a long text, list or
    mapping is rendered from its ends only, a value nested deeper than ``_MAX_DEPTH`` as
    "...", so the cost is bounded by ``room`` whatever the value."""
    value = _plain(value)
    if isinstance(value, str | bytes | bytearray):
        return repr(_ends(value, room))
    if isinstance(value, int) and not isinstance(value, bool):
        return _int_text(value)
    if isinstance(value, float | bool) or value is None:
        return repr(value)
    if _is_sequence(value) or isinstance(value, set | frozenset | Mapping):
        if depth >= _MAX_DEPTH:
            return _CUT
        return _items_repr(value, room, depth + 1)
    return _own_repr(value)


def _items_repr(value: Any, room: int, depth: int) -> str:
    """A list, tuple, set or mapping rendered from its first items (and, for a list or tuple,
    its last) until each end fills ``room`` characters; the items left out as "..."."""

    def fill(items: Any) -> list[str]:
        parts: list[str] = []
        filled = 0
        for item in items:
            part = _short_repr(item, room, depth)
            if isinstance(value, Mapping):
                part += f": {_short_repr(value[item], room, depth)}"
            parts.append(part)
            filled += len(part) + 2
            if filled > room:
                break
        return parts

    n = len(value)
    head = fill(iter(value))
    tail: list[str] = []
    if _is_sequence(value):
        tail = fill(value[i] for i in range(n - 1, len(head) - 1, -1))[::-1]
    body = ", ".join(head + ([_CUT] if len(head) + len(tail) < n else []) + tail)
    if isinstance(value, tuple):
        return f"({body}{',' if n == 1 else ''})"
    if isinstance(value, set | frozenset):
        shown = f"{{{body}}}" if n else ""
        return shown if type(value) is set and n else f"{type(value).__name__}({shown})"
    return f"{{{body}}}" if isinstance(value, Mapping) else f"[{body}]"


def shorten(value: Any, limit: int = _MAX_VALUE_CHARS) -> str:
    """``repr`` of a value, cut in the middle when long, so reports stay readable. Only the two
    ends of a long text, list or mapping are rendered (never the whole value), and a value
    nested deeper than a few levels is shown as "...", so its cost does not grow with the
    value; an object of another type is shown by its own ``repr``."""
    text = _short_repr(value, limit + 1, 0)
    if len(text) <= limit:
        return text
    keep = (limit - 5) // 2
    return f"{text[:keep]} ... {text[-keep:]}"


class _Kept:
    """A bounded copy of a value as JSON data: whether anything was left out (``cut``), and the
    length of the value itself (``length``: characters of a text, items of a list)."""

    def __init__(self) -> None:
        self.room = _MAX_KEPT_VALUES
        self.cut = False
        self.length: int | None = None

    def of(self, value: Any, depth: int = 0) -> Any:
        value = _plain(value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            if value.bit_length() <= _MAX_INT_BITS:
                return value
            digits = _digits(value)
            if digits is not None and len(digits) <= _MAX_KEPT_CHARS:
                return value
            text = self.text(digits or _int_text(value), depth, cut=True)
            if depth == 0 and digits is None:  # too long for Python to write: length unknown
                self.length = None
            return text
        if isinstance(value, float):
            return value if math.isfinite(value) else str(value)
        if isinstance(value, str):
            return self.text(value, depth)
        if isinstance(value, bytes | bytearray):
            ends = bytes(_ends(value, _MAX_KEPT_CHARS))
            text = self.text(repr(ends), depth, cut=len(ends) < len(value))
            if depth == 0:  # a length in bytes is not one in characters: none is given
                self.length = None
            return text
        if _is_sequence(value) or isinstance(value, set | frozenset | Mapping):
            if depth == 0:
                self.length = len(value)
            if depth >= _MAX_DEPTH:
                self.cut = True
                return _CUT
            if isinstance(value, Mapping):
                return self.mapping(value, depth)
            return self.items(value, depth)
        return self.text(_own_repr(value), depth)

    def text(self, text: str, depth: int, cut: bool = False) -> str:
        """``text`` cut in the middle when long (``cut``: it is a part of the value already)."""
        if depth == 0:
            self.length = len(text)
        self.cut |= cut or len(text) > _MAX_KEPT_CHARS
        if len(text) <= _MAX_KEPT_CHARS:
            return text
        keep = (_MAX_KEPT_CHARS - 5) // 2
        return f"{text[:keep]} ... {text[-keep:]}"

    def items(self, values: Any, depth: int) -> list[Any]:
        kept = []
        for item in islice(values, _MAX_KEPT_ITEMS):
            if self.room <= 0:
                break
            self.room -= 1
            kept.append(self.of(item, depth + 1))
        if len(kept) < len(values):
            self.cut = True
            kept.append(_CUT)
        return kept

    def mapping(self, values: Mapping[Any, Any], depth: int) -> dict[str, Any]:
        kept = {}
        for key, item in islice(values.items(), _MAX_KEPT_ITEMS):
            if self.room <= 0:
                break
            self.room -= 1
            name = key if isinstance(key, str) else shorten(key)
            kept[self.text(name, depth + 1)] = self.of(item, depth + 1)
        if len(kept) < len(values):
            self.cut = True
        return kept


def kept_value(value: Any) -> tuple[Any, bool, int | None]:
    """``value`` as plain JSON data (see :func:`json_value`); whether something of it was left
    out; and its length (characters of a text, items of a list or mapping, characters of the
    text a number or other object is shown as), given when something was left out."""
    kept = _Kept()
    try:
        data = kept.of(value)
    except Exception:  # an object that refuses to be iterated or measured: named, not shown
        return f"<a {type(value).__name__} that cannot be shown>", True, None
    return data, kept.cut, kept.length if kept.cut else None


def json_value(value: Any) -> Any:
    """``value`` as plain JSON data (str, number, bool, None, lists and mappings of them), so
    a report gives ``"very_likely"``, not ``"'very_likely'"``. NumPy values become Python ones;
    a number JSON cannot hold (NaN, infinities) becomes its text; a long text is cut in the
    middle and a long list after its first items (ending in "..."), a value nested deeper than
    a few levels becomes "...", so a report stays small however large a cell is, and the work
    is bounded by what is kept. An object of another type becomes its ``repr``, cut."""
    return kept_value(value)[0]


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule at one place.

    The fields hold what the data holds; the text forms (:meth:`where`, ``str``) show it through
    :func:`~iran_russia_claims.spec.neutral.neutral`, so that no id, column, file name, value or
    message can act on a terminal or a CI log.
    """

    rule: str
    message: str
    file: str | None = None
    row: int | None = None
    record_id: str | None = None
    column: str | None = None
    #: The value at fault, as JSON data (see :func:`json_value`); shown shortened in text.
    value: Any = None
    hint: str | None = None
    #: Whether ``value`` is a part of the value at fault (a long text or list, cut).
    value_truncated: bool = False
    #: The length of the value at fault when it was cut: characters of a text (or of the text a
    #: number or object is shown as), items of a list or mapping; None otherwise.
    value_length: int | None = None
    #: The length in characters of ``record_id`` / ``column`` when the problem keeps only their
    #: ends (longer than :data:`MAX_NAME_CHARS`); None otherwise.
    record_id_length: int | None = None
    column_length: int | None = None

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"{self.rule!r} is not a registered rule (spec/rules.py)")
        if not self.value_truncated:  # a value cut already (a problem's, copied) stays as it is
            value, cut, length = kept_value(self.value)
            object.__setattr__(self, "value", value)
            if cut:
                object.__setattr__(self, "value_truncated", True)
                object.__setattr__(self, "value_length", length)
        if self.hint is None and RULES[self.rule].hint:
            object.__setattr__(self, "hint", RULES[self.rule].hint)
        for name in ("record_id", "column"):
            text = getattr(self, name)
            if isinstance(text, str) and len(text) > MAX_NAME_CHARS:
                keep = (MAX_NAME_CHARS - 5) // 2
                object.__setattr__(self, name, f"{text[:keep]} ... {text[-keep:]}")
                object.__setattr__(self, f"{name}_length", len(text))

    def where(self) -> str:
        """File, row, record and column, as text safe to show."""
        parts = [neutral(self.file) if self.file else "<data>"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.record_id is not None:
            parts.append(f"record {neutral(self.record_id)}{_cut_name(self.record_id_length)}")
        if self.column is not None:
            parts.append(f"column {neutral(self.column)}{_cut_name(self.column_length)}")
        return ", ".join(parts)

    def shown_value(self) -> str:
        """The value as text reports show it: its ``repr``, cut in the middle when long, saying
        how long it was when the problem kept only a part of it."""
        text = shorten(self.value)
        if self.value_truncated:
            text += f" ({_shortened(self.value, self.value_length)})"
        return neutral(text)

    def __str__(self) -> str:
        text = f"{self.where()}: {neutral(self.message)} [rule: {self.rule}]"
        if self.value is not None:
            text += f"; value: {self.shown_value()}"
        if self.hint:
            text += f"; hint: {neutral(self.hint)}"
        return no_command(text)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cut_name(length: int | None) -> str:
    return "" if length is None else f" (shortened from {length} characters)"


def _shortened(kept: Any, length: int | None) -> str:
    """How a value was shortened, for the text reports."""
    if length is None:
        return "shortened"
    if isinstance(kept, str):
        return f"shortened from {length} characters"
    shown = len(kept) - (1 if isinstance(kept, list) and kept and kept[-1] == _CUT else 0)
    if shown < length:
        return f"shortened from {length} items"
    return f"parts of its {length} items shortened"


class DataError(Exception):
    """Data broke rules; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s):\n{shown}{more}")
