"""The ``fill`` job: every derived field of a curated collection computed in place.

A curator writes offsets and judgements; a claim's ``section``, ``span_sha256`` and
``confidence_band`` and a filler entry's ``span_sha256`` follow from them, the registry and the
article. :func:`fill_text` rewrites only the text of those values (or inserts a missing key), so
the comments, order, quoting and layout of everything else stay byte for byte.
"""

from __future__ import annotations

import copy
import json
import math
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeGuard

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from iran_russia_claims.publish.atomic import write_files
from iran_russia_claims.readers.article import match_articles, sha256_text
from iran_russia_claims.readers.collection import articles_folder, read_manifest
from iran_russia_claims.readers.registry import read_registry
from iran_russia_claims.readers.safe_yaml import read_yaml
from iran_russia_claims.spec.models import Registry
from iran_russia_claims.spec.problem import DataError, Problem
from iran_russia_claims.spec.rules import band_for
from iran_russia_claims.spec.vocab import CONFIDENCE_MAX, CONFIDENCE_MIN, DERIVED_COLUMNS

Derive = Callable[[Mapping[str, Any]], Mapping[str, Any]]
#: A missing derived key is inserted after this key (else after the record's last key).
_AFTER = DERIVED_COLUMNS
_FIELDS = {"claims": tuple(DERIVED_COLUMNS), "filler": ("span_sha256",)}
_ALIAS = "the record is a YAML alias; fill the record it repeats"
_ALIAS_VALUE = re.compile(r"[ \t]*:[ \t]*\*[^\s,\[\]{}]+")
_PLAIN = frozenset(string.ascii_letters + string.digits + "_-.")


@dataclass(frozen=True)
class Change:
    """One derived field of one record (``index`` counts from 1): its old and new value.

    ``skipped`` says why the value was left alone (an alias, an anchor, a list or mapping)."""

    index: int
    record_id: str | None
    field: str
    old: Any
    new: Any
    skipped: str | None = None


@dataclass(frozen=True)
class Left:
    """A derived field (None: the whole record) left as is, and why."""

    index: int
    record_id: str | None
    field: str | None
    reason: str


@dataclass
class FileFill:
    """What filling one file changed (or would change) and what it left as is."""

    path: Path
    changes: list[Change] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)


@dataclass
class FillResult:
    """Per file its changes and what was left; the article file used for each source."""

    files: list[FileFill]
    articles: dict[str, Path]
    notes: list[str]
    written: bool

    @property
    def changed(self) -> bool:
        return any(f.changes for f in self.files)


def _render(value: Any) -> str:
    """A plain YAML scalar where it reads back as the same value, else a JSON (quoted) one."""
    text = str(value)
    plain = isinstance(value, str) and text[:1] not in ("", "-", ".") and set(text) <= _PLAIN
    return text if plain and yaml.safe_load(text) == value else json.dumps(value)


def _canon(value: Any) -> Any:
    """Data to compare, with NaN equal to itself."""
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return "<nan>" if isinstance(value, float) and math.isnan(value) else value


def _end(text: str, key: Node, value: Node) -> int:
    """Where the value of a key ends: its last scalar's end (a block collection's end mark lies
    after the comments that follow it), or the key's end for an alias defined elsewhere."""
    if value.start_mark.index < key.end_mark.index:  # `key: *alias`
        alias = _ALIAS_VALUE.match(text, key.end_mark.index)
        return alias.end() if alias else int(key.end_mark.index)
    if isinstance(value, MappingNode | SequenceNode) and not value.flow_style and value.value:
        last = value.value[-1]
        return _end(text, *last) if isinstance(last, tuple) else _end(text, key, last)
    return int(value.end_mark.index)


def _edit(text: str, record: MappingNode, name: str, new: str) -> tuple[int, int, str] | str:
    """The (offset, end, replacement) that sets ``name`` in ``record``, or why it cannot."""
    pairs = {k.value: (k, v) for k, v in record.value if isinstance(k, ScalarNode)}
    if name in pairs:
        key, value = pairs[name]
        start, end = value.start_mark.index, value.end_mark.index
        if not isinstance(value, ScalarNode):
            return "the value is a list or mapping, not a single value"
        if start < key.end_mark.index or text[start : start + 1] == "&":  # *alias, &anchor
            return "the value is a YAML anchor or alias; replace it by hand"
        if start == end:  # an empty value: after `key:` or after a bare key in a flow mapping
            return start, end, (" " if text[start - 1 : start] == ":" else ": ") + new
        if value.style in ("|", ">"):  # keep the line breaks a block scalar ends with
            body = text[start:end]
            return start, end, new + body[len(body.rstrip()) :]
        return start, end, new
    after = pairs.get(_AFTER.get(name, ""))
    if not record.value:
        return "the record is an empty mapping"
    last = after or record.value[-1]
    end = _end(text, *last)
    if record.flow_style:
        return end, end, f", {name}: {new}"
    eol = "\r\n" if "\r\n" in text else "\n"
    where = end if text[end - 1 : end] == "\n" else (text.find("\n", end) + 1 or len(text))
    line = " " * last[0].start_mark.column + f"{name}: {new}{eol}"
    if where == len(text) and text and not text.endswith("\n"):
        line = eol + line.removesuffix(eol)
    return where, where, line


def fill_text(text: str, key: str, derive: Derive) -> tuple[str, list[Change]]:
    """``text`` with the derived fields of each record under ``key`` set to ``derive(record)``.

    Only the value of a field that differs is rewritten (a missing key is inserted); every
    other byte is kept. A value that is an alias, an anchor, a list or a mapping is left alone,
    reported as a change with ``skipped`` set.
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    data = yaml.safe_load(text)
    items = [v for k, v in root.value if k.value == key] if isinstance(root, MappingNode) else []
    if not items or not isinstance(items[-1], SequenceNode) or not isinstance(data, dict):
        raise ValueError(f"expected a mapping with a list under {key!r}")
    edits: list[tuple[int, int, tuple[int, int, str]]] = []
    changes: list[Change] = []
    expected = copy.deepcopy(data)
    cursor = items[-1].start_mark.index  # an alias record starts before the end of the last one
    for number, (node, record) in enumerate(zip(items[-1].value, data[key], strict=True), 1):
        alias, cursor = node.start_mark.index < cursor, max(cursor, node.end_mark.index)
        if not isinstance(node, MappingNode) or not isinstance(record, dict):
            continue
        rid = record["id"] if isinstance(record.get("id"), str) else None
        for name, new in derive(record).items():
            if name in record and record[name] == new:
                continue
            edit = _edit(text, node, name, _render(new)) if not alias else _ALIAS
            if isinstance(edit, str):
                changes.append(Change(number, rid, name, record.get(name), new, skipped=edit))
                continue
            edits.append((edit[0], len(edits), edit))
            expected[key][number - 1][name] = new
            changes.append(Change(number, rid, name, record.get(name), new))
    out = text
    for _, _, (start, end, replacement) in sorted(edits, reverse=True):
        out = out[:start] + replacement + out[end:]
    try:
        same = _canon(yaml.safe_load(out)) == _canon(expected)
    except yaml.YAMLError as exc:
        raise AssertionError(f"fill wrote YAML that does not parse: {exc}") from exc
    if not same:
        raise AssertionError(f"fill changed more than the derived fields under {key!r}")
    return out, changes


def _derive(
    record: Mapping[str, Any], registry: Registry, texts: Mapping[str, str], looked: str = ""
) -> tuple[dict[str, Any], dict[str, str]]:
    """Values of the derived fields that can be computed, and why the others cannot."""
    values: dict[str, Any] = {}
    why: dict[str, str] = {}  # field -> why it cannot be computed
    sid, start, end = record.get("source_id"), record.get("start"), record.get("end")
    source = registry.sources.get(sid) if isinstance(sid, str) else None
    text = texts.get(source.id) if source else None
    if source is None:
        why["section"] = why["span_sha256"] = f"source_id {sid!r} is not in the source registry"
    elif not _is_int(start) or (section := source.section_at(start)) is None:
        why["section"] = f"start {start!r} is not an offset within source {sid!r}"
    else:
        values["section"] = section.slug
    if text is None:
        why.setdefault("span_sha256", f"no article of source {sid!r} was found {looked}".strip())
    elif _is_int(start) and _is_int(end) and 0 <= start < end <= len(text):
        values["span_sha256"] = sha256_text(text[start:end])
    else:
        why["span_sha256"] = f"offsets [{start!r}:{end!r}] are not 0 <= start < end <= {len(text)}"
    conf = record.get("confidence")
    if (_is_int(conf) or isinstance(conf, float)) and CONFIDENCE_MIN <= conf <= CONFIDENCE_MAX:
        values["confidence_band"] = band_for(conf).value
    else:
        why["confidence_band"] = (
            f"confidence {conf!r} is not a number in [{CONFIDENCE_MIN}, {CONFIDENCE_MAX}]"
        )
    return values, why


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def derive_claim(
    record: Mapping[str, Any], registry: Registry, texts: Mapping[str, str]
) -> dict[str, Any]:
    """A claim's ``section``, ``span_sha256`` and ``confidence_band``, those computable."""
    return _derive(record, registry, texts)[0]


def derive_filler(
    record: Mapping[str, Any], registry: Registry, texts: Mapping[str, str]
) -> dict[str, Any]:
    """A filler entry's ``span_sha256``, if computable."""
    return {k: v for k, v in _derive(record, registry, texts)[0].items() if k == "span_sha256"}


def _records(path: Path, key: str) -> list[Any]:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        fix = f"start the file with `{key}:` and list the records under it, one `- ` item each"
        problem = f"expected a mapping with a list under {key!r}"
        raise DataError([Problem("readable", problem, str(path), hint=fix)])
    return list(data[key])


def fill_collection(
    directory: Path, articles: list[Path] | None = None, *, check: bool = False
) -> FillResult:
    """Fill the derived fields of ``claims.yaml`` and ``filler.yaml`` of a collection folder.

    Articles are ``articles`` (files or folders), else the manifest's ``articles`` folder,
    matched to the registry by SHA-256. With ``check`` nothing is written; otherwise both files
    are written together, all or nothing, and only when something changed.
    """
    directory = Path(directory)
    manifest, registry = read_manifest(directory), read_registry(directory)
    folder = articles_folder(directory, manifest)
    if articles is None:
        paths: list[Path] = [folder] if folder is not None and folder.is_dir() else []
        looked = f"in {folder}" + ("" if paths else " (no such folder)")
        if folder is None:
            looked = "(none given, and collection.yaml names no `articles` folder)"
    else:
        looked = "in " + (", ".join(str(p) for p in articles) or "no path given")
        paths = list(articles)
    matched, problems = match_articles(paths, registry)
    if problems:
        raise DataError(problems)
    texts = {m.source.id: m.text for m in matched}
    notes = [] if matched else [f"no article was found {looked}: every span_sha256 is left as is"]
    files, new_bytes = [], {}
    for key, derive in (("claims", derive_claim), ("filler", derive_filler)):
        path = directory / f"{key}.yaml"
        if key == "filler" and not path.exists():
            continue
        result = FileFill(path)
        for number, record in enumerate(_records(path, key), 1):
            if not isinstance(record, dict):
                result.left.append(Left(number, None, None, "the record is not a mapping"))
                continue
            rid = record["id"] if isinstance(record.get("id"), str) else None
            reasons = _derive(record, registry, texts, looked)[1]
            result.left += [Left(number, rid, f, reasons[f]) for f in _FIELDS[key] if f in reasons]
        text = path.read_bytes().decode("utf-8")
        out, changes = fill_text(text, key, partial(derive, registry=registry, texts=texts))
        result.changes = [c for c in changes if c.skipped is None]
        result.left += [
            Left(c.index, c.record_id, c.field, c.skipped) for c in changes if c.skipped
        ]
        if out != text:
            new_bytes[path] = out.encode("utf-8")
        files.append(result)
    if new_bytes and not check:
        write_files(new_bytes)
    return FillResult(
        files, {m.source.id: m.path for m in matched}, notes, bool(new_bytes) and not check
    )
