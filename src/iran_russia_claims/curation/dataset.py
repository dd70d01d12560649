"""Reading the hand-curated ``dataset/`` directory: safely, completely, with exact locations.

``dataset/`` is the source of truth (YAML, one record per claim, comments allowed). Reading it
validates the registries with pydantic and the claims with ``validate`` (every rule, as the
``validate`` command checks them), and raises one
:class:`~iran_russia_claims.spec.problem.DataError` listing every problem, so a curator fixes
them all in one round.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iran_russia_claims.readers.collection import articles_folder, read_manifest
from iran_russia_claims.readers.registry import (
    ACTORS_FILE,
    SOURCES_FILE,
    key,
    read_registry,
    records,
    validate_each,
)
from iran_russia_claims.readers.safe_yaml import read_yaml
from iran_russia_claims.spec.link_rules import CODING, DYADS, LINK_TABLES, RELATIONS
from iran_russia_claims.spec.manifest import Manifest
from iran_russia_claims.spec.models import Claim, Filler, Registry
from iran_russia_claims.spec.problem import DataError, Problem
from iran_russia_claims.spec.vocab import LINK_FILES

CLAIMS_FILE = "claims.yaml"
FILLER_FILE = "filler.yaml"
#: Also importable from here, as before 0.2.
__all__ = [
    "ACTORS_FILE",
    "CLAIMS_FILE",
    "FILLER_FILE",
    "SOURCES_FILE",
    "Dataset",
    "read_dataset",
    "read_registry",
    "read_yaml",
]


@dataclass(frozen=True)
class Dataset:
    """A curated collection: its claims, the registries they refer to, the filler decisions,
    its manifest (identity, id prefix, where its articles live) and its folder."""

    claims: tuple[Claim, ...]
    registry: Registry
    filler: tuple[Filler, ...]
    manifest: Manifest
    directory: Path
    #: The link tables (``spec.link_rules``): each claim's directed dyads, the argument
    #: graph's edges, and who coded each claim; empty where the collection has no such file.
    dyads: tuple[Any, ...] = ()
    relations: tuple[Any, ...] = ()
    codings: tuple[Any, ...] = ()

    @property
    def articles(self) -> Path | None:
        """The folder of the collection's articles, if its manifest names one."""
        return articles_folder(self.directory, self.manifest)


def read_dataset(directory: str | Path, *, allow_empty: bool = False) -> Dataset:
    """Read and fully validate a dataset directory; raise DataError listing every problem.

    The claims file is checked by :func:`~iran_russia_claims.validation.validate`, exactly as
    ``iran-russia-claims validate dataset/claims.yaml`` checks it, so both report the same.
    ``allow_empty`` lets a collection with no claims yet be read (to see its coverage); it
    cannot be exported.
    """
    from iran_russia_claims.validation.run import validate

    directory = Path(directory)
    manifest = read_manifest(directory)  # refuses a folder that is not a collection
    registry = read_registry(directory)
    claims_path = directory / CLAIMS_FILE
    report = validate(claims_path, registry=registry, format="yaml", max_problems=None)
    problems = [p for p in report.problems if not (allow_empty and p.rule == "not_empty")]
    claims: list[Claim] = []
    if not problems:  # the table engine and the models agree (tests/spec/test_conformance.py)
        items = records(claims_path, "claims")
        claims, problems = validate_each(claims_path, items, Claim, key("id"), registry)
    filler_path = directory / FILLER_FILE
    filler: list[Filler] = []
    if filler_path.exists():
        filler, more = validate_each(
            filler_path, records(filler_path, "filler"), Filler, lambda item: None
        )
        problems += more + _unregistered_filler(filler_path, filler, registry)
    links = _read_links(directory, claims, registry, problems) if not problems else {}
    if problems:
        raise DataError(problems)
    return Dataset(
        tuple(claims),
        registry,
        tuple(filler),
        manifest,
        directory,
        dyads=links.get(DYADS, ()),
        relations=links.get(RELATIONS, ()),
        codings=links.get(CODING, ()),
    )


def _read_links(
    directory: Path, claims: list[Claim], registry: Registry, problems: list[Problem]
) -> dict[str, tuple[Any, ...]]:
    """The collection's link tables that it has a file for, every rule checked against its
    claims; their problems are added to ``problems``."""
    from iran_russia_claims.readers.common import ReadError
    from iran_russia_claims.readers.links import read_link_records
    from iran_russia_claims.spec.link_models import LINK_MODELS
    from iran_russia_claims.spec.rules import Context
    from iran_russia_claims.validation.links import check_links, claim_keys
    from iran_russia_claims.validation.report import Sink, ValidationReport, order

    keys = claim_keys(claims)
    ctx = Context.of(registry)
    out: dict[str, tuple[Any, ...]] = {}
    for table in LINK_TABLES:
        path = directory / LINK_FILES[table][0]
        if not path.exists():
            continue
        report = ValidationReport(target=str(path), max_problems=None)
        try:
            records = read_link_records(path, table)
            _, good = check_links(table, records, keys, ctx, path, Sink(report), keep=True)
        except ReadError as exc:
            report.add(exc.problem)
        problems += sorted(report.problems, key=order)
        if report.problems:
            continue
        model = LINK_MODELS[table]
        out[table] = tuple(model.model_validate(r, context=ctx.id_prefix) for r in good)
    return out


def _unregistered_filler(path: Path, filler: list[Filler], registry: Registry) -> list[Problem]:
    return [
        Problem(
            "filler_source_registered",
            f"source_id {entry.source_id!r} is not in the source registry "
            f"(registered: {', '.join(sorted(registry.sources)) or 'none'})",
            str(path),
            row=number,
            record_id=f"filler [{entry.start}:{entry.end}]",
            column="source_id",
            value=entry.source_id,
        )
        for number, entry in enumerate(filler, start=1)
        if entry.source_id not in registry.sources
    ]
