"""Reading a collection's registries (``actors.yaml``, ``sources.yaml``) and its YAML record
lists, each record checked by its pydantic model with exact locations.

:func:`read_registry` is what ``validate --dataset`` and the curated dataset reader use; any
problem raises one :class:`~iran_russia_claims.spec.problem.DataError` listing all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from iran_russia_claims.readers.safe_yaml import read_yaml
from iran_russia_claims.spec.models import Actor, Registry, Source, errors_to_rules
from iran_russia_claims.spec.problem import DataError, Problem
from iran_russia_claims.spec.rules import RULES
from iran_russia_claims.spec.vocab import ID_PREFIX

ACTORS_FILE = "actors.yaml"
SOURCES_FILE = "sources.yaml"

M = TypeVar("M", bound=BaseModel)


def records(path: Path, key: str) -> list[Any]:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise DataError(
            [Problem("readable", f"expected a mapping with a list under {key!r}", str(path))]
        )
    return list(data[key])


def validate_each(
    path: Path,
    items: list[Any],
    model: type[M],
    label: Callable[[Any], str | None],
    context: Any = None,
) -> tuple[list[M], list[Problem]]:
    good: list[M] = []
    problems: list[Problem] = []
    for number, item in enumerate(items, start=1):
        try:
            good.append(model.model_validate(item, context=context))
        except ValidationError as exc:
            record = label(item)
            for rule, column, message in errors_to_rules(exc):
                value = item.get(column) if isinstance(item, dict) and column else None
                problems.append(
                    Problem(
                        rule,
                        message,
                        str(path),
                        row=number,
                        record_id=record,
                        column=column or None,
                        value=value,
                    )
                )
    return good, problems


def key(field: str) -> Callable[[Any], str | None]:
    return lambda item: str(item.get(field)) if isinstance(item, dict) and field in item else None


def read_registry(directory: Path) -> Registry:
    """The actor and source registries of a collection folder, with its id prefix.

    The id prefix is the manifest's (``collection.yaml``); a folder of registries without a
    manifest (such as ``synth --registry`` writes) keeps the shipped collection's, ``IRR``.
    """
    from iran_russia_claims.readers.collection import folder_problem, read_manifest
    from iran_russia_claims.spec.manifest import MANIFEST_FILE

    directory = Path(directory)
    if not directory.is_dir():
        problem = folder_problem(directory)
        raise DataError([problem] if problem else [])
    id_prefix, problems = ID_PREFIX, []
    if (directory / MANIFEST_FILE).is_file():
        try:
            id_prefix = read_manifest(directory).id_prefix
        except DataError as error:
            problems += error.problems
    actors, p1 = validate_each(
        directory / ACTORS_FILE, records(directory / ACTORS_FILE, "actors"), Actor, key("code")
    )
    sources, p2 = validate_each(
        directory / SOURCES_FILE, records(directory / SOURCES_FILE, "sources"), Source, key("id")
    )
    problems += p1 + p2
    problems += _duplicates(directory / ACTORS_FILE, [a.code for a in actors], "code_unique")
    problems += _duplicates(
        directory / SOURCES_FILE, [s.id for s in sources], "source_unique", "id"
    )
    if problems:
        raise DataError(problems)
    return Registry({a.code: a for a in actors}, {s.id: s for s in sources}, id_prefix)


def _duplicates(path: Path, keys: list[str], rule: str, column: str | None = None) -> list[Problem]:
    column = column or RULES[rule].column or ""
    seen: set[str] = set()
    out = []
    for key in keys:
        if key in seen:
            out.append(
                Problem(
                    rule,
                    f"{column} {key!r} appears more than once",
                    str(path),
                    record_id=key,
                    column=column,
                )
            )
        seen.add(key)
    return out
