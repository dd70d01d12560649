"""The rules of the link tables, each stated once: ``claim_dyads`` (who does what to whom),
``claim_relations`` (the argument graph) and ``claim_coding`` (who coded each claim).

A link table refers to the claims, so its rules read a few columns of the claims table beside
its own: :func:`joined` brings them in (one left join per key, the same for every engine), and
every rule is then one boolean narwhals expression over the joined rows, True where a row
passes, as the claims' rules are (:mod:`~iran_russia_claims.spec.rules` lists both in one
catalogue). The rules no one expression states (``supports`` edges form no cycle; no two
edges, and no two dyads of a claim, join the same two ends in either direction) are ``graph``
rules: each a function of the whole table, computed once per table (the cycles by strongly
connected components, linear in the table's size). A claim that no coding row names is one row of the joined
``claim_coding`` table, with ``listed`` false, so that it too is a located failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from iran_russia_claims.spec.patterns import full_match
from iran_russia_claims.spec.rule import Check, Rule, matches, one_of
from iran_russia_claims.spec.vocab import (
    ACTOR_CODE_PATTERN,
    ACYCLIC_RELATIONS,
    CODEBOOK_VERSIONS,
    SYMMETRIC_RELATIONS,
    CodedBy,
    Ground,
    QuadClass,
    RelationType,
    id_pattern,
)

if TYPE_CHECKING:
    import narwhals as nw
    import polars as pl
else:
    from iran_russia_claims.spec.rule import nw

DYADS: Final = "claim_dyads"
RELATIONS: Final = "claim_relations"
CODING: Final = "claim_coding"
LINK_TABLES: Final = (DYADS, RELATIONS, CODING)

#: Added to ``claim_coding``'s joined rows: false for a claim that no coding row names.
LISTED: Final = "listed"


def joined(table: str, rows: pl.DataFrame, claims: pl.DataFrame) -> pl.DataFrame:
    """``rows`` of a link table with what its rules read of the claims (``id``,
    ``source_id``, ``actors``; a claim whose actors could not be read has them null): whether
    each claim it names exists, the source of each end of an edge, where a dyad's two actors
    stand in the claim's ``actors`` (1 for the first; null when absent) and whether those are
    known. ``claim_coding`` gains one row, with ``listed`` false, per claim it does not name.
    Rows keep their order; the added ones come last."""
    import polars as pl

    # a claim id given twice is the claims' own problem (id_unique): its first record counts
    claims = claims.filter(pl.col("id").is_not_null()).unique(
        "id", keep="first", maintain_order=True
    )
    ids = claims.select(pl.col("id"), pl.col("source_id"), pl.lit(True).alias("known"))
    if table == DYADS:
        ranks = (
            claims.select(pl.col("id").alias("claim_id"), pl.col("actors"))
            .with_columns(pl.int_ranges(1, pl.col("actors").list.len() + 1).alias("rank"))
            .explode("actors", "rank")
            .unique(subset=["claim_id", "actors"], keep="first", maintain_order=True)
        )
        out = rows.join(
            claims.select(
                pl.col("id").alias("claim_id"),
                pl.lit(True).alias("claim_known"),
                pl.col("actors").is_not_null().alias("actors_known"),
            ),
            on="claim_id",
            how="left",
            maintain_order="left",
            nulls_equal=False,
        )
        for end in ("source", "target"):
            out = out.join(
                ranks.select(
                    pl.col("claim_id"),
                    pl.col("actors").alias(end),
                    pl.col("rank").alias(f"{end}_rank"),
                ),
                on=["claim_id", end],
                how="left",
                maintain_order="left",
            )
        return out.with_columns(pl.col("claim_known", "actors_known").fill_null(False))
    if table == RELATIONS:
        out = rows
        for end in ("from", "to"):
            out = out.join(
                ids.select(
                    pl.col("id").alias(f"{end}_id"),
                    pl.col("source_id").alias(f"{end}_source"),
                    pl.col("known").alias(f"{end}_known"),
                ),
                on=f"{end}_id",
                how="left",
                maintain_order="left",
            )
        return out.with_columns(pl.col("from_known", "to_known").fill_null(False))
    if table == CODING:
        out = rows.join(
            ids.select(pl.col("id").alias("claim_id"), pl.col("known").alias("claim_known")),
            on="claim_id",
            how="left",
            maintain_order="left",
        ).with_columns(pl.col("claim_known").fill_null(False), pl.lit(True).alias(LISTED))
        unnamed = claims.select(pl.col("id").alias("claim_id")).join(
            rows.select("claim_id"), on="claim_id", how="anti", maintain_order="left"
        )
        extra = unnamed.with_columns(pl.lit(True).alias("claim_known"), pl.lit(False).alias(LISTED))
        return pl.concat([out, extra], how="diagonal_relaxed")
    raise KeyError(f"{table!r} is not a link table; they are {', '.join(LINK_TABLES)}")


def _id(column: str) -> Check:
    return lambda ctx: nw.col(column).str.contains(full_match(id_pattern(ctx.id_prefix)))


def _unique(*key: str) -> nw.Expr:
    missing = nw.any_horizontal(*[nw.col(k).is_null() for k in key], ignore_nulls=True)
    return (nw.len().over(*key) == 1) | missing


def _numeric_before(a: nw.Expr, b: nw.Expr) -> nw.Expr:
    """Id ``a`` comes before id ``b`` in numeric order: ids of one collection share their
    prefix and have no leading zero past four digits, so the shorter one is the lower."""
    na, nb = a.str.len_chars(), b.str.len_chars()
    return (na < nb) | ((na == nb) & (a < b))


def _pair(end: str) -> nw.Expr:
    """The lower (``low``) or higher (``high``) id of an edge's two ends, in numeric order."""
    a, b = nw.col("from_id"), nw.col("to_id")
    first, second = (a, b) if end == "low" else (b, a)
    return nw.when(_numeric_before(a, b)).then(first).otherwise(second).alias(end)


def _one_dyad_per_pair(frame: pl.DataFrame) -> pl.Series:
    """True for a dyad no other dyad of its claim shares its two actors with, in either
    direction: the two codes in text order, then a count over the claim and that pair."""
    import narwhals as nw_
    import polars as pl

    a, b = nw.col("source"), nw.col("target")
    pairs = (
        nw_.from_native(frame, eager_only=True)
        .select(
            nw.col("claim_id"),
            nw.when(a < b).then(a).otherwise(b).alias("low"),
            nw.when(a < b).then(b).otherwise(a).alias("high"),
        )
        .to_native()
    )
    missing = pl.any_horizontal(pl.col("claim_id", "low", "high").is_null())
    return pairs.select(((pl.len().over("claim_id", "low", "high") == 1) | missing).alias("ok"))[
        "ok"
    ]


def _one_edge_per_pair(frame: pl.DataFrame) -> pl.Series:
    """True for an edge no other edge shares its two claims with, in either direction: the
    ends in numeric order (:func:`_pair`), then a count over that pair."""
    import narwhals as nw_
    import polars as pl

    pairs = nw_.from_native(frame, eager_only=True).select(_pair("low"), _pair("high")).to_native()
    missing = pl.col("low").is_null() | pl.col("high").is_null()
    return pairs.select(((pl.len().over("low", "high") == 1) | missing).alias("ok"))["ok"]


def _supports_acyclic(frame: pl.DataFrame) -> pl.Series:
    """True for every edge not on a cycle of the acyclic relations: an edge u -> v lies on
    one exactly when u and v are in the same strongly connected component (Tarjan's
    algorithm, without recursion: linear in the number of edges). A self-loop is
    ``no_self_loop``'s to report, not a cycle here."""
    import polars as pl

    a, b = pl.col("from_id"), pl.col("to_id")
    on = (pl.col("relation").is_in(ACYCLIC_RELATIONS) & (a != b)).fill_null(False)
    kept = frame.select(a, b, on.alias("on"))
    edges = kept.filter("on").select(a, b).unique(maintain_order=True).rows()
    component = _components(edges)  # a repeated edge is one edge of the graph
    if not component:
        return pl.Series("ok", [True] * frame.height, dtype=pl.Boolean)
    nodes, numbers = list(component), list(component.values())

    def of(end: pl.Expr) -> pl.Expr:
        return end.replace_strict(nodes, numbers, default=None, return_dtype=pl.Int64)

    same = (of(a) == of(b)).fill_null(False)
    return kept.select((~(pl.col("on") & same)).alias("ok"))["ok"]


def _components(edges: list[tuple[str, str]]) -> dict[str, int]:
    """The strongly connected component of every node of ``edges`` (Tarjan, iterative)."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            nexts = graph[node]
            if i < len(nexts):
                work.append((node, i + 1))
                nxt = nexts[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component[top] = index[node]
                    if top == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return component


_ID_HINT: Final = "use the id of a claim of the collection, as the claims table spells it"
_CLAIM_NEEDED: Final = (
    "a link names claims by id: add the claim, or correct the id to one that exists"
)
_BOTH: Final = (DYADS, RELATIONS, CODING)

LINK_RULES: Final = (
    # -- each row, by itself
    Rule("claim_id_pattern", "claim_id", "claim_id is a claim id (PREFIX-NNNN)", _ID_HINT,
         check=_id("claim_id"), tables=(DYADS, CODING)),
    Rule("from_id_pattern", "from_id", "from_id is a claim id (PREFIX-NNNN)", _ID_HINT,
         check=_id("from_id"), tables=(RELATIONS,)),
    Rule("to_id_pattern", "to_id", "to_id is a claim id (PREFIX-NNNN)", _ID_HINT,
         check=_id("to_id"), tables=(RELATIONS,)),
    Rule("source_pattern", "source", "source is an actor code such as IRN or RUS_BUS",
         check=matches("source", ACTOR_CODE_PATTERN), constraint="pattern", tables=(DYADS,)),
    Rule("target_pattern", "target", "target is an actor code such as IRN or RUS_BUS",
         check=matches("target", ACTOR_CODE_PATTERN), constraint="pattern", tables=(DYADS,)),
    Rule("quad_class_vocabulary", "quad_class", "quad_class is one of the four QuadClasses",
         check=one_of("quad_class", tuple(QuadClass)), constraint="vocabulary",
         tables=(DYADS,)),
    Rule("relation_vocabulary", "relation", "relation is one of the relation types",
         check=one_of("relation", tuple(RelationType)), constraint="vocabulary",
         tables=(RELATIONS,)),
    Rule("ground_vocabulary", "ground", "ground is one of the grounds the codebook lists",
         "a relation is coded only where the text makes it explicit (see the codebook)",
         check=one_of("ground", tuple(Ground)), constraint="vocabulary",
         tables=(RELATIONS,)),
    Rule("coded_by_vocabulary", "coded_by", "coded_by is pass1, pass2 or resolved",
         check=one_of("coded_by", tuple(CodedBy)), constraint="vocabulary", tables=_BOTH),
    Rule("codebook_version_known", "codebook_version",
         "codebook_version is a version of the codebook",
         f"the versions are {', '.join(CODEBOOK_VERSIONS)} (docs/codebook.md)",
         check=one_of("codebook_version", CODEBOOK_VERSIONS), constraint="vocabulary",
         tables=_BOTH),
    Rule("dyad_distinct", "target", "a dyad's source and target differ",
         "an actor does nothing to itself in a dyad: leave the row out",
         check=lambda ctx: nw.col("source") != nw.col("target"), reads=("source", "target"),
         tables=(DYADS,)),
    Rule("no_self_loop", "to_id", "an edge joins two different claims",
         check=lambda ctx: nw.col("from_id") != nw.col("to_id"), reads=("from_id", "to_id"),
         requires=("from_id_pattern", "to_id_pattern"), tables=(RELATIONS,)),
    Rule("alternative_ordered", "from_id",
         "a symmetric relation (alternative_to) is stored once, from_id before to_id",
         "swap from_id and to_id: the lower id comes first",
         check=lambda ctx: ~nw.col("relation").is_in(list(SYMMETRIC_RELATIONS))
         | _numeric_before(nw.col("from_id"), nw.col("to_id")),
         reads=("relation", "from_id", "to_id"),
         requires=("from_id_pattern", "to_id_pattern", "no_self_loop"), tables=(RELATIONS,)),
    # -- against the claims (the rows as :func:`joined` gives them)
    Rule("claim_exists", "claim_id", "claim_id names a claim of the collection", _CLAIM_NEEDED,
         check=lambda ctx: nw.col("claim_known"), reads=("claim_id", "claim_known"),
         requires=("claim_id_pattern",), tables=(DYADS, CODING)),
    Rule("from_exists", "from_id", "from_id names a claim of the collection", _CLAIM_NEEDED,
         check=lambda ctx: nw.col("from_known"), reads=("from_id", "from_known"),
         requires=("from_id_pattern",), tables=(RELATIONS,)),
    Rule("to_exists", "to_id", "to_id names a claim of the collection", _CLAIM_NEEDED,
         check=lambda ctx: nw.col("to_known"), reads=("to_id", "to_known"),
         requires=("to_id_pattern",), tables=(RELATIONS,)),
    Rule("source_among_actors", "source", "source is one of the claim's actors",
         "a dyad links actors the claim names: use one of its `actors`, or add the actor "
         "to the claim",
         check=lambda ctx: ~nw.col("source_rank").is_null() | ~nw.col("actors_known"),
         reads=("claim_id", "source", "claim_known", "source_rank", "actors_known"),
         requires=("claim_exists", "source_pattern"), tables=(DYADS,)),
    Rule("target_among_actors", "target", "target is one of the claim's actors",
         "a dyad links actors the claim names: use one of its `actors`, or add the actor "
         "to the claim",
         check=lambda ctx: ~nw.col("target_rank").is_null() | ~nw.col("actors_known"),
         reads=("claim_id", "target", "claim_known", "target_rank", "actors_known"),
         requires=("claim_exists", "target_pattern"), tables=(DYADS,)),
    Rule("mutual_ordered", "source",
         "a mutual dyad is stored once, source the first of the two in the claim's actors",
         "swap source and target",
         check=lambda ctx: ~nw.col("mutual") | (nw.col("source_rank") < nw.col("target_rank")),
         reads=("mutual", "source_rank", "target_rank"),
         requires=("source_among_actors", "target_among_actors", "dyad_distinct"),
         tables=(DYADS,)),
    Rule("same_source", "to_id", "both ends of an edge are claims of the same source",
         "the argument graph links claims of one article only",
         check=lambda ctx: nw.col("from_source") == nw.col("to_source"),
         reads=("from_source", "to_source"), requires=("from_exists", "to_exists"),
         tables=(RELATIONS,)),
    Rule("claim_coded", "claim_id", "every claim of the collection has a coding row",
         "add a row for the claim: who coded it (pass1, pass2, resolved) and the codebook "
         "version", check=lambda ctx: nw.col(LISTED), reads=("claim_id", LISTED),
         tables=(CODING,)),
    # -- the whole table
    Rule("dyad_unique", None,
         "no two dyads of a claim join the same two actors, in either direction",
         "one row per pair of actors in a claim: a reciprocal relation is one row with mutual "
         "true", scope="graph", graph=_one_dyad_per_pair, reads=("claim_id", "source", "target"),
         tables=(DYADS,)),
    Rule("coding_unique", "claim_id", "no two coding rows name the same claim", scope="table",
         check=lambda ctx: _unique("claim_id"), tables=(CODING,)),
    Rule("edge_unique", None, "no two edges join the same two claims, in either direction",
         "keep one relation per pair of claims: the one the text makes most explicit",
         scope="graph", graph=_one_edge_per_pair, reads=("from_id", "to_id"),
         tables=(RELATIONS,)),
    Rule("supports_acyclic", None, "supports edges form no cycle",
         "a claim cannot, through others, give a reason for itself: drop or turn the edge "
         "that closes the circle", scope="graph", graph=_supports_acyclic,
         reads=("from_id", "to_id", "relation"), tables=(RELATIONS,)),
)  # fmt: skip
