"""What a rule is: its name, the column it concerns, what it demands, its check; and the
:class:`Context` (what varies by collection) a check is built in. The catalogue of rules is
:mod:`~iran_russia_claims.spec.rules` (claims) and :mod:`~iran_russia_claims.spec.link_rules`
(the link tables: dyads, relations, codings)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from iran_russia_claims.spec.patterns import full_match
from iran_russia_claims.spec.vocab import ID_PREFIX, ID_PREFIX_PATTERN

if TYPE_CHECKING:
    import narwhals as nw
    import polars as pl
else:

    class _Narwhals:
        """narwhals, imported when a check is first built (``--help`` stays fast)."""

        def __getattr__(self, name: str) -> Any:
            return getattr(importlib.import_module("narwhals"), name)

    nw = _Narwhals()

Scope = Literal["row", "element", "table", "graph", "read", "registry", "provenance"]
#: How pydantic states a rule as a field constraint (see ``spec.models``).
Constraint = Literal[
    "pattern", "vocabulary", "at_least", "between", "length", "non_empty", "finite"
]
Check = Callable[["Context"], "nw.Expr"]
#: A rule on a whole table that no one expression states (a graph's cycles): a function of the
#: table, True where a row passes, computed once per table.
Graph = Callable[["pl.DataFrame"], "pl.Series"]


class _Section(Protocol):
    @property
    def slug(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class _Source(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def length(self) -> int: ...
    @property
    def sections(self) -> Sequence[_Section]: ...


class RegistryLike(Protocol):
    """What the rules read of a registry (``spec.models.Registry`` is one)."""

    @property
    def actors(self) -> Mapping[str, Any]: ...
    @property
    def sources(self) -> Mapping[str, _Source]: ...


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """What the rules need to know of one registered source: its id, length and sections."""

    id: str
    length: int
    sections: tuple[tuple[str, int, int], ...]  # (slug, start, end), end exclusive


@dataclass(frozen=True, slots=True)
class Context:
    """What varies by collection. Without registries the rules that need them are not run."""

    id_prefix: str = ID_PREFIX
    sources: tuple[SourceFacts, ...] | None = None
    actors: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(ID_PREFIX_PATTERN, self.id_prefix):
            raise ValueError(
                f"id prefix {self.id_prefix!r}: use 2 to 10 upper-case letters or digits, "
                "starting with a letter (e.g. IRR)"
            )

    @property
    def has_registry(self) -> bool:
        return self.sources is not None and self.actors is not None

    @classmethod
    def of(cls, registry: RegistryLike | None, id_prefix: str | None = None) -> Context:
        """The context of a registry (None: no registry rules). The id prefix is
        ``id_prefix`` when given, else the registry's, else the shipped collection's."""
        id_prefix = id_prefix or getattr(registry, "id_prefix", None) or ID_PREFIX
        if registry is None:
            return cls(id_prefix=id_prefix)
        sources = tuple(
            SourceFacts(s.id, s.length, tuple((x.slug, x.start, x.end) for x in s.sections))
            for s in registry.sources.values()
        )
        return cls(id_prefix=id_prefix, sources=sources, actors=tuple(registry.actors))


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule with a stable name, the column it concerns, what it demands, and its check."""

    name: str
    column: str | None
    description: str
    hint: str | None = None
    scope: Scope = "row"
    check: Check | None = field(default=None, repr=False, compare=False)
    #: Columns the check reads (default: the rule's column).
    reads: tuple[str, ...] = ()
    #: Rules that must hold on the row before this one is judged.
    requires: tuple[str, ...] = ()
    #: The pydantic field constraint that states the rule, if one does.
    constraint: Constraint | None = None
    #: Whether a null passes (it does, except for a missing number or list element).
    null_passes: bool = True
    #: Whether the rule reads the registries (it is run only when they are given).
    needs_registry: bool = False
    #: The tables the rule judges: ``claims``, or the link tables (``spec.link_rules``).
    tables: tuple[str, ...] = ("claims",)
    #: For ``scope="graph"``: the function of the whole table that states the rule.
    graph: Graph | None = field(default=None, repr=False, compare=False)

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.reads or ((self.column,) if self.column else ())


# -- the checks most rules are written with --------------------------------------------------------
def matches(column: str, pattern: str) -> Check:
    """The column's text matches ``pattern`` whole."""
    return lambda ctx: nw.col(column).str.contains(full_match(pattern))


def one_of(column: str, values: tuple[str, ...]) -> Check:
    """The column's value is one of ``values``."""
    return lambda ctx: nw.col(column).is_in(list(values))
