"""The rules of the link tables, each stated once: ``claim_dyads`` (who does what to whom),
``claim_relations`` (the argument graph) and ``claim_coding`` (who coded each claim).

A link table refers to the claims, so its rules read a few columns of the claims table beside
its own: :func:`joined` brings them in (a lookup per key, the same for every engine), and
every rule is then one boolean narwhals expression over the joined rows, True where a row
passes, as the claims' rules are (:mod:`~iran_russia_claims.spec.rules` lists both in one
catalogue). The rules no one expression states (``supports`` edges form no cycle; no two
edges, and no two dyads of a claim, join the same two ends in either direction) are ``graph``
rules: each a function of the whole table, computed once per table (the cycles by strongly
connected components, linear in the table's size). A claim that no coding row names is one
row of the joined ``claim_coding`` table, with ``listed`` false, so that it too is a located
failure.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any, Final

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
    ids, sources = claims["id"], claims["source_id"]

    def known(key: str) -> pl.Expr:
        return pl.col(key).is_in(ids.implode()).fill_null(False)

    if table == DYADS:  # each added column computed beside the rows, none copied
        has_actors = claims.filter(pl.col("actors").is_not_null())["id"]
        ranks = (
            claims.select(pl.col("id").alias("claim_id"), pl.col("actors"))
            .with_columns(pl.int_ranges(1, pl.col("actors").list.len() + 1).alias("rank"))
            .explode("actors", "rank")
            .unique(subset=["claim_id", "actors"], keep="first", maintain_order=True)
        )
        added = [
            rows.select(pl.col("claim_id"), pl.col(end).alias("actors"))
            .join(ranks, on=["claim_id", "actors"], how="left", maintain_order="left")["rank"]
            .alias(f"{end}_rank")
            for end in ("source", "target")
        ]
        return rows.with_columns(
            known("claim_id").alias("claim_known"),
            pl.col("claim_id").is_in(has_actors.implode()).fill_null(False).alias("actors_known"),
            *added,
        )
    if table == RELATIONS:
        return rows.with_columns(
            column
            for end in ("from", "to")
            for column in (
                known(f"{end}_id").alias(f"{end}_known"),
                pl.col(f"{end}_id")
                .replace_strict(ids, sources, default=None, return_dtype=pl.String)
                .alias(f"{end}_source"),
            )
        )
    if table == CODING:
        out = rows.with_columns(known("claim_id").alias("claim_known"), pl.lit(True).alias(LISTED))
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
    algorithm, without recursion, over the distinct edges with the claims numbered: linear in
    the number of edges, in memory as in time). A self-loop is ``no_self_loop``'s to report,
    not a cycle here."""
    import polars as pl

    a, b = pl.col("from_id"), pl.col("to_id")
    on = (pl.col("relation").is_in(ACYCLIC_RELATIONS) & (a != b)).fill_null(False)
    kept = frame.select(a, b, on.alias("on"))
    edges = kept.filter("on").select(a, b).unique(maintain_order=True)
    if not edges.height:
        return pl.Series("ok", [True] * frame.height, dtype=pl.Boolean)
    nodes = pl.concat([edges["from_id"], edges["to_id"]]).unique(maintain_order=True)
    numbers = pl.Series(range(len(nodes)), dtype=pl.Int64)

    def number(end: pl.Series | pl.Expr) -> Any:
        return end.replace_strict(nodes, numbers, default=None, return_dtype=pl.Int64)

    component = _components(
        len(nodes), number(edges["from_id"]).to_numpy(), number(edges["to_id"]).to_numpy()
    )
    by_node = pl.Series(component, dtype=pl.Int64)

    def of(end: pl.Expr) -> pl.Expr:
        numbered: pl.Expr = number(end)
        return numbered.replace_strict(numbers, by_node, default=None)

    same = (of(a) == of(b)).fill_null(False)
    return kept.select((~(pl.col("on") & same)).alias("ok"))["ok"]


def _components(n: int, sources: Any, targets: Any) -> array[int]:
    """The strongly connected component of each of ``n`` nodes (numbered 0 to n - 1) of the
    graph with edges ``sources[i] -> targets[i]``: Tarjan's algorithm, iterative, over the
    edges sorted by source (each node's edges one slice)."""
    import numpy as np

    order = np.argsort(sources, kind="stable")
    ends = targets[order].tolist()
    starts = np.searchsorted(sources[order], np.arange(n + 1)).tolist()
    index, low, component = array("q", [-1]) * n, array("q", [0]) * n, array("q", [-1]) * n
    on_stack = bytearray(n)
    stack: list[int] = []
    counter = 0
    for root in range(n):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        work = [(root, starts[root])]
        while work:
            node, i = work[-1]
            if i < starts[node + 1]:
                work[-1] = (node, i + 1)
                nxt = ends[i]
                if index[nxt] == -1:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack[nxt] = 1
                    work.append((nxt, starts[nxt]))
                elif on_stack[nxt] and index[nxt] < low[node]:
                    low[node] = index[nxt]
                continue
            work.pop()
            if low[node] == index[node]:
                while True:
                    top = stack.pop()
                    on_stack[top] = 0
                    component[top] = index[node]
                    if top == node:
                        break
            if work and low[node] < low[work[-1][0]]:
                low[work[-1][0]] = low[node]
    return component


_ID_HINT: Final = "use the id of a claim of the collection, as the claims table spells it"
_CLAIM_NEEDED: Final = (
    "a link names claims by id: add the claim, or correct the id to one that exists"
)
_BOTH: Final = (DYADS, RELATIONS, CODING)


def _exists(end: str, *tables: str) -> Rule:
    """``{end}_id`` names a claim (``{end}_known``, from :func:`joined`)."""
    key, known = f"{end}_id", f"{end}_known"
    return Rule(f"{end}_exists", key, f"{key} names a claim of the collection", _CLAIM_NEEDED,
                check=lambda ctx: nw.col(known), reads=(key, known),
                requires=(f"{key}_pattern",), tables=tables)  # fmt: skip


def _among_actors(end: str) -> Rule:
    """A dyad's ``source`` or ``target`` is among its claim's actors (it has a rank there),
    judged only where those actors could be read."""
    rank = f"{end}_rank"
    return Rule(f"{end}_among_actors", end, f"{end} is one of the claim's actors",
                "a dyad links actors the claim names: use one of its `actors`, or add the "
                "actor to the claim",
                check=lambda ctx: ~nw.col(rank).is_null() | ~nw.col("actors_known"),
                reads=("claim_id", end, "claim_known", rank, "actors_known"),
                requires=("claim_exists", f"{end}_pattern"), tables=(DYADS,))  # fmt: skip


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
    _exists("claim", DYADS, CODING),
    _exists("from", RELATIONS),
    _exists("to", RELATIONS),
    _among_actors("source"),
    _among_actors("target"),
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
