"""Parsing YAML safely: plain data only, a key given twice refused, every cost bounded.

PyYAML's parser turns the text into events; this module builds plain Python data from them
(mappings, lists, and the scalars PyYAML's *safe* constructor knows), never a Python object a
tag asks for. It does not build PyYAML's node graph first, which costs about 700 bytes per
scalar; what it builds is what the caller gets. It bounds what a hostile file could inflate,
before the inflation happens:

- the file: at most :data:`MAX_YAML_BYTES`;
- nesting: at most :data:`MAX_YAML_DEPTH` levels of lists and mappings;
- aliases: an alias stands for a copy of what it names, so every value is weighed as it would
  be written out in full (a scalar: its length plus one; a list or mapping: one plus its
  items), and the weight of a document, aliases expanded, may be at most twice the file's
  size plus :data:`YAML_ALIAS_ALLOWANCE` (a "billion laughs" file is refused while it is
  read, not after); an alias to the list or mapping that holds it (``&r [*r]``, a value that
  contains itself) is refused.

Every failure (missing, too large, not UTF-8, not valid YAML, over a limit) becomes a
:class:`~iran_russia_claims.spec.problem.DataError` with one located ``readable`` problem.
:func:`read_yaml` parses a whole file (the curated ``dataset/`` files); :func:`iter_claims`
yields the records of a claims file one at a time (the YAML reader), so a large file never
becomes one large object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import yaml
from yaml import events as ev
from yaml.nodes import ScalarNode

from iran_russia_claims.readers.common import MAX_RECORD_BYTES, not_regular
from iran_russia_claims.spec.problem import DataError, Problem

#: A hostile or mistaken file must not exhaust memory: the curated files are far smaller.
MAX_YAML_BYTES: Final = 32 * 1024 * 1024
#: Deepest nesting of lists and mappings; a claim needs three levels.
MAX_YAML_DEPTH: Final = 64
#: Longest number read: Python reads no more digits (4300), and PyYAML builds a base-60
#: number (1:2:3) in time that grows with the square of its length.
MAX_YAML_NUMBER_CHARS: Final = 4300
#: What aliases may add to a document's weight beyond twice the file's size.
YAML_ALIAS_ALLOWANCE: Final = 64 * 1024

_MAP_TAG: Final = "tag:yaml.org,2002:map"
_SEQ_TAG: Final = "tag:yaml.org,2002:seq"
_SURROGATE_ESCAPE: Final = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
#: The collections of YAML's type repository PyYAML's safe loader builds too.
_SET_TAG: Final = "tag:yaml.org,2002:set"
_OMAP_TAG: Final = "tag:yaml.org,2002:omap"
_PAIRS_TAG: Final = "tag:yaml.org,2002:pairs"
_NUMBER_TAGS: Final = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
#: The scalars built: PyYAML's safe ones (no ``!!python/...``, no sets or ordered maps).
_SCALAR_TAGS: Final = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("null", "bool", "int", "float", "binary", "timestamp", "str")
)


class _Refused(Exception):
    """A limit or a rule of this module, at a place in the file."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.mark = mark


class _Builder:
    """Plain data from PyYAML's events, within the limits above."""

    def __init__(self, text: str, budget: int) -> None:
        # libyaml's parser where PyYAML has it (ten times faster than the pure-Python one);
        # the events, and everything built from them, are the same, but for an escaped lone
        # surrogate ("\ud800"), which libyaml refuses for the whole file while the pure one
        # reads it, so that the claim holding it is located
        fast = getattr(yaml, "CSafeLoader", None)
        loader = yaml.SafeLoader if fast is None or _SURROGATE_ESCAPE.search(text) else fast
        self.loader: Any = loader(text)
        self.budget = budget
        self.weight = 0
        self.depth = 0
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open: set[str] = set()
        #: Where the record being built started (its weight so far), when records are bounded.
        self.record_start: int | None = None
        #: The number (from 1) of the record being built, to locate a failure inside it.
        self.record: int | None = None
        self.records = 0

    def expect(self, kind: type[ev.Event]) -> ev.Event:
        event = self.loader.get_event()
        if not isinstance(event, kind):  # pragma: no cover - the parser's grammar ensures it
            raise _Refused(f"expected {kind.__name__}, found {type(event).__name__}", None)
        return event

    def peek(self) -> ev.Event:
        return self.loader.peek_event()  # type: ignore[no-any-return]

    def spend(self, weight: int, mark: Any) -> None:
        self.weight += weight
        if self.record_start is not None and self.weight - self.record_start > MAX_RECORD_BYTES:
            raise _Refused(
                f"a claim is longer than {MAX_RECORD_BYTES} characters (aliases expanded)", mark
            )
        if self.weight > self.budget:
            raise _Refused(
                f"the YAML expands to more than {self.budget} (twice the file's size plus "
                f"{YAML_ALIAS_ALLOWANCE}): its aliases repeat too much",
                mark,
            )

    def value(self) -> Any:
        """The next value (scalar, list or mapping) of the document."""
        event = self.loader.get_event()
        if isinstance(event, ev.AliasEvent):
            return self.alias(event)
        anchor = getattr(event, "anchor", None)
        if anchor is not None and (anchor in self.anchors or anchor in self.open):
            raise _Refused(f"the anchor &{anchor} is defined twice", event.start_mark)
        start = self.weight
        if isinstance(event, ev.ScalarEvent):
            self.spend(1 + len(event.value), event.start_mark)
            data = self.scalar(event)
        elif isinstance(event, ev.SequenceStartEvent | ev.MappingStartEvent):
            self.depth += 1
            if self.depth > MAX_YAML_DEPTH:
                raise _Refused(
                    f"lists and mappings are nested more than {MAX_YAML_DEPTH} levels deep",
                    event.start_mark,
                )
            self.spend(1, event.start_mark)
            if anchor is not None:
                self.open.add(anchor)
            if isinstance(event, ev.SequenceStartEvent):
                tag = self.collection_tag(event, (_SEQ_TAG, _OMAP_TAG, _PAIRS_TAG))
                data = self.sequence()
                if tag in (_OMAP_TAG, _PAIRS_TAG):  # as PyYAML builds them: pairs
                    data = self.pairs(data, event.start_mark)
            else:
                tag = self.collection_tag(event, (_MAP_TAG, _SET_TAG))
                data = self.mapping()
                if tag == _SET_TAG:
                    data = set(data)
            if anchor is not None:
                self.open.discard(anchor)
            self.depth -= 1
        else:  # pragma: no cover - the parser's grammar ensures a value comes next
            raise _Refused(f"unexpected {type(event).__name__}", event.start_mark)
        if anchor is not None:
            self.anchors[anchor] = (data, self.weight - start)
        return data

    def alias(self, event: ev.AliasEvent) -> Any:
        name = event.anchor
        if name in self.open:
            raise _Refused(
                f"the alias *{name} stands for a list or mapping that contains it", event.start_mark
            )
        if name not in self.anchors:
            raise _Refused(f"the alias *{name} names no anchor defined before it", event.start_mark)
        data, weight = self.anchors[name]
        self.spend(weight, event.start_mark)
        return data

    def collection_tag(self, event: Any, allowed: tuple[str, ...]) -> str:
        """The collection's tag (the first allowed, for none); another is refused."""
        if event.tag in (None, "!"):
            return allowed[0]
        if event.tag not in allowed:
            raise _Refused(f"the tag {event.tag} is not allowed here", event.start_mark)
        return str(event.tag)

    def pairs(self, items: list[Any], mark: Any) -> list[tuple[Any, Any]]:
        if not all(isinstance(i, dict) and len(i) == 1 for i in items):
            raise _Refused("an ordered map (!!omap, !!pairs) is a list of one-key mappings", mark)
        return [next(iter(i.items())) for i in items]

    def scalar(self, event: ev.ScalarEvent) -> Any:
        loader = self.loader
        tag: Any = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(ScalarNode, event.value, event.implicit)
        construct = yaml.SafeLoader.yaml_constructors.get(tag)
        if construct is None or tag not in _SCALAR_TAGS:
            raise _Refused(f"the tag {tag} is not allowed", event.start_mark)
        if tag in _NUMBER_TAGS and len(event.value) > MAX_YAML_NUMBER_CHARS:
            raise _Refused(
                f"a number of {len(event.value)} characters, over the limit of "
                f"{MAX_YAML_NUMBER_CHARS}",
                event.start_mark,
            )  # building one (base 60 above all) costs time that grows with its square
        start: Any = event.start_mark
        end: Any = event.end_mark
        node = ScalarNode(tag, event.value, start, end, event.style)
        try:
            return construct(loader, node)
        except (ValueError, OverflowError) as exc:  # e.g. an integer of 5,000 digits
            raise _Refused(f"the value cannot be read as {tag.rsplit(':', 1)[-1]}: {exc}",
                           event.start_mark) from None  # fmt: skip

    def sequence(self) -> list[Any]:
        items = []
        while not isinstance(self.peek(), ev.SequenceEndEvent):
            items.append(self.value())
        self.loader.get_event()
        return items

    def mapping(self) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        merged: list[dict[Any, Any]] = []
        while not isinstance(self.peek(), ev.MappingEndEvent):
            key_event = self.peek()
            if _is_merge(key_event):  # `<<: *defaults`: the named mapping's keys, as defaults
                self.loader.get_event()
                self.spend(3, key_event.start_mark)
                merged.extend(self.merge_sources(self.value(), key_event.start_mark))
                continue
            key = self.value()
            value = self.value()
            if isinstance(key, list | dict):
                raise _Refused("a mapping key must be a scalar, not a list or mapping",
                               key_event.start_mark)  # fmt: skip
            if key in mapping:
                raise _Refused(f"duplicate key {key!r}", key_event.start_mark)
            mapping[key] = value
        self.loader.get_event()
        for source in merged:  # merged keys never override the mapping's own
            for key, value in source.items():
                mapping.setdefault(key, value)
        return mapping

    def merge_sources(self, value: Any, mark: Any) -> list[dict[Any, Any]]:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, dict) for s in sources):
            raise _Refused("a merge key (<<) takes a mapping or a list of mappings", mark)
        return sources


def _is_merge(event: ev.Event) -> bool:
    return (
        isinstance(event, ev.ScalarEvent)
        and event.tag is None
        and event.value == "<<"
        and bool(event.implicit[0])
    )


def _located(path: Path, exc: BaseException, row: int | None = None) -> DataError:
    """A YAML error, or a limit of this module, as a located ``readable`` problem."""
    mark = getattr(exc, "mark", None) or getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    if isinstance(exc, _Refused):
        message = f"{exc}{where}"
    else:
        detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        message = f"not valid YAML: {detail}{where}"
    return DataError([Problem("readable", message, str(path), row=row)])


def _text(path: Path) -> str:
    name = str(path)
    kind = not_regular(path)
    if kind is not None:
        raise DataError([Problem("readable", f"is {kind}, not a regular file", name)])
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise DataError(
                [
                    Problem(
                        "readable",
                        f"the file is {size} bytes, over the limit of {MAX_YAML_BYTES} for YAML",
                        name,
                        hint="split the collection, or give the claims as CSV, JSON Lines or "
                        "Parquet",
                    )
                ]
            )
        with path.open("rb") as handle:  # never more than the limit, whatever stat said
            data = handle.read(MAX_YAML_BYTES + 1)
        if len(data) > MAX_YAML_BYTES:
            raise DataError([Problem("readable", f"the file is over {MAX_YAML_BYTES} bytes", name)])
        return data.decode("utf-8")
    except FileNotFoundError:
        raise DataError([Problem("readable", "file not found", name)]) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            [Problem("readable", f"not UTF-8 ({exc.reason} at byte {exc.start})", name)]
        ) from None
    except OSError as exc:
        raise DataError([Problem("readable", f"cannot read: {exc.strerror}", name)]) from None


def _builder(path: Path, text: str) -> _Builder:
    try:
        return _Builder(text, 2 * len(text) + YAML_ALIAS_ALLOWANCE)
    except yaml.YAMLError as exc:  # e.g. a control character, refused before any parsing
        raise _located(path, exc) from None


def read_yaml(path: Path) -> Any:
    """Parse a YAML file of one document into plain data; any failure is a located DataError."""
    text = _text(path)
    builder = _builder(path, text)
    try:
        builder.expect(ev.StreamStartEvent)
        if isinstance(builder.peek(), ev.StreamEndEvent):
            return None
        builder.expect(ev.DocumentStartEvent)
        data = builder.value()
        builder.expect(ev.DocumentEndEvent)
        if not isinstance(builder.peek(), ev.StreamEndEvent):
            raise _Refused("the file holds more than one YAML document", builder.peek().start_mark)
        return data
    except (yaml.YAMLError, _Refused) as exc:
        raise _located(path, exc) from None


def iter_claims(path: Path) -> Iterator[tuple[Any, int]]:
    """The items of a claims file, one at a time, each with its weight (its length written out
    in full): a mapping with a list under ``claims`` (as ``dataset/claims.yaml``) or a bare
    list. An item may weigh at most ``MAX_RECORD_BYTES``; the other keys of the mapping are read
    and set aside. Raises DataError where the file stops being readable, after the items
    before it."""
    text = _text(path)
    builder = _builder(path, text)
    try:
        builder.expect(ev.StreamStartEvent)
        if isinstance(builder.peek(), ev.StreamEndEvent):
            return
        builder.expect(ev.DocumentStartEvent)
        yield from _claims_of(builder)
        builder.expect(ev.DocumentEndEvent)
        if not isinstance(builder.peek(), ev.StreamEndEvent):
            raise _Refused("the file holds more than one YAML document", builder.peek().start_mark)
    except (yaml.YAMLError, _Refused) as exc:
        raise _located(path, exc, builder.record) from None


class NotClaims(Exception):
    """The document is neither a list nor a mapping with a list under ``claims``."""


def _claims_of(builder: _Builder) -> Iterator[tuple[Any, int]]:
    start = builder.peek()
    if isinstance(start, ev.SequenceStartEvent) and start.anchor is None:
        builder.expect(ev.SequenceStartEvent)
        yield from _items(builder)
        return
    if not isinstance(start, ev.MappingStartEvent) or start.anchor is not None:
        builder.value()
        raise NotClaims
    builder.expect(ev.MappingStartEvent)
    builder.depth += 1
    seen: set[Any] = set()
    found = False
    while not isinstance(builder.peek(), ev.MappingEndEvent):
        key_event = builder.peek()
        key = builder.value()
        if isinstance(key, list | dict):
            raise _Refused("a mapping key must be a scalar", key_event.start_mark)
        if key in seen:
            raise _Refused(f"duplicate key {key!r}", key_event.start_mark)
        seen.add(key)
        following = builder.peek()
        if key == "claims" and isinstance(following, ev.SequenceStartEvent):
            if following.anchor is not None or following.tag not in (None, "!", _SEQ_TAG):
                raise _Refused("the list of claims cannot carry an anchor or a tag",
                               following.start_mark)  # fmt: skip
            builder.expect(ev.SequenceStartEvent)
            found = True
            yield from _items(builder)
        else:
            builder.value()
    builder.expect(ev.MappingEndEvent)
    if not found:
        raise NotClaims


def _items(builder: _Builder) -> Iterator[tuple[Any, int]]:
    builder.depth += 1
    while not isinstance(builder.peek(), ev.SequenceEndEvent):
        builder.records += 1
        start = builder.weight
        builder.record, builder.record_start = builder.records, start
        item = builder.value()
        builder.record = builder.record_start = None
        yield item, builder.weight - start
    builder.expect(ev.SequenceEndEvent)
    builder.depth -= 1
