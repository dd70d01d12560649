"""Counts by theme, kind, actor and band, and the confidence distribution, for people.

``summarise`` returns plain, JSON-ready data whose keys always appear in the same order (every
vocabulary value listed, zero counts included), so ``summary --format json`` can be diffed and
scripted against; ``render`` turns it into a table that reads in a terminal of 80 columns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from statistics import mean, median, quantiles
from typing import Any

from iran_russia_claims.spec.vocab import (
    BAND_UPPER_BOUNDS,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    CONFLICT_CLASSES,
    Band,
    Kind,
    QuadClass,
    RelationType,
    Theme,
)

_BAR_WIDTH = 30
_NAME_WIDTH = 22


def _stats(values: list[float]) -> dict[str, float | None]:
    """Five-number summary plus the mean, rounded so the JSON output is stable across runs."""
    if not values:
        return dict.fromkeys(("min", "q1", "median", "mean", "q3", "max"))
    q1, _, q3 = quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
    return {
        "min": round(min(values), 4),
        "q1": round(q1, 4),
        "median": round(median(values), 4),
        "mean": round(mean(values), 4),
        "q3": round(q3, 4),
        "max": round(max(values), 4),
    }


def summarise(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Plain counts (every vocabulary value listed, zero included) and confidence statistics.

    Actor counts are claims that name the actor; a claim names one or more actors, so they add
    up to more than the number of claims.
    """
    rows = list(records)
    confidences = [float(r["confidence"]) for r in rows]
    actors: Counter[str] = Counter(code for r in rows for code in r["actors"])
    sources: Counter[str] = Counter(str(r["source_id"]) for r in rows)
    return {
        "claims": len(rows),
        "sources": dict(sorted(sources.items())),
        "theme": {t.value: sum(r["theme"] == t.value for r in rows) for t in Theme},
        "kind": {k.value: sum(r["kind"] == k.value for r in rows) for k in Kind},
        "confidence_band": {
            b.value: sum(r["confidence_band"] == b.value for r in rows) for b in Band
        },
        "actors": dict(sorted(actors.items(), key=lambda kv: (-kv[1], kv[0]))),
        "confidence": _stats(confidences),
    }


def summarise_links(
    dyads: Iterable[Mapping[str, Any]], relations: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """Counts of the link tables: dyads by quad class, edges by relation type, and per actor
    pair (the two codes in alphabetical order, either direction) the dyads of cooperation and
    of conflict and their balance, (cooperation - conflict) / all, from -1 to 1."""
    dyad_rows, edge_rows = list(dyads), list(relations)
    pairs: dict[str, Counter[str]] = {}
    for d in dyad_rows:
        key = "-".join(sorted((str(d["source"]), str(d["target"]))))
        side = "conflict" if str(d["quad_class"]) in CONFLICT_CLASSES else "cooperation"
        pairs.setdefault(key, Counter())[side] += 1
    balance = {
        key: {
            "cooperation": c["cooperation"],
            "conflict": c["conflict"],
            "balance": round((c["cooperation"] - c["conflict"]) / c.total(), 4),
        }
        for key, c in sorted(pairs.items(), key=lambda kv: (-kv[1].total(), kv[0]))
    }
    return {
        "dyads": len(dyad_rows),
        "quad_class": {
            q.value: sum(d["quad_class"] == q.value for d in dyad_rows) for q in QuadClass
        },
        "relations": len(edge_rows),
        "relation": {
            t.value: sum(e["relation"] == t.value for e in edge_rows) for t in RelationType
        },
        "actor_pairs": balance,
    }


def _bar(count: int, total: int) -> str:
    return "#" * round(_BAR_WIDTH * count / total) if total else ""


def band_ranges() -> dict[str, str]:
    """Each band's confidence range as the codebook writes it: open below, closed above."""
    ranges, lower, first = {}, CONFIDENCE_MIN, True
    for band, upper in BAND_UPPER_BOUNDS.items():
        ranges[band.value] = f"{'[' if first else '('}{lower:.2f}, {upper:.2f}]"
        lower, first = upper, False
    return ranges


def _block(
    title: str,
    counts: Mapping[str, int],
    total: int,
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    pad = max(map(len, counts), default=0)
    texts = {n: f"{n:<{pad}}  {labels.get(n, '')}".rstrip() if labels else n for n in counts}
    width = max([_NAME_WIDTH, *map(len, texts.values())])
    lines = ["", f"{title:<{width + 2}}{'n':>5} {'share':>6}"]
    for name, count in counts.items():
        share = f"{100 * count / total:5.1f}%" if total else "     -"
        lines.append(
            f"  {texts[name]:<{width}}{count:>5} {share:>6}  {_bar(count, total)}".rstrip()
        )
    return lines


def render(summary: Mapping[str, Any], actor_names: Mapping[str, str] | None = None) -> str:
    """A terminal table: one block per dimension, with counts, shares and bars.

    ``actor_names`` (code to name, from the actor registry) labels the actor rows, because the
    codes alone (``RUS_BUS``, ``INTL``) do not explain themselves.
    """
    total = int(summary["claims"])
    n_sources = len(summary.get("sources", {}))
    lines = [f"{total} claims from {n_sources} source{'s' if n_sources != 1 else ''}"]
    lines += _block("theme", summary["theme"], total)
    lines += _block("kind", summary["kind"], total)
    lines += _block("confidence band", summary["confidence_band"], total, band_ranges())
    lines += _block("actors named", summary["actors"], total, actor_names)
    lines.append("  (a claim can name several actors, so the shares add up to more than 100%)")
    stats = summary["confidence"]
    lines += ["", f"confidence (the author's certainty, {CONFIDENCE_MIN}-{CONFIDENCE_MAX})"]
    lines.append(
        "  " + "  ".join(f"{k} {'-' if v is None else f'{v:g}'}" for k, v in stats.items())
    )
    if "dyads" in summary:
        lines += _links(summary)
    return "\n".join(lines)


def _links(summary: Mapping[str, Any]) -> list[str]:
    """The blocks of the link tables: quad classes, relation types, and the balance of
    cooperation and conflict per actor pair."""
    lines = _block(f"dyads ({summary['dyads']}) by quad class", summary["quad_class"],
                   summary["dyads"])  # fmt: skip
    lines += _block(f"relations ({summary['relations']}) by type", summary["relation"],
                    summary["relations"])  # fmt: skip
    pairs = summary["actor_pairs"]
    width = max([_NAME_WIDTH, *map(len, pairs)])
    lines += ["", f"{'actor pair':<{width + 2}}{'coop':>5} {'confl':>5} {'balance':>8}"]
    for pair, c in pairs.items():
        lines.append(
            f"  {pair:<{width}}{c['cooperation']:>5} {c['conflict']:>5} {c['balance']:>+8.2f}"
        )
    lines.append("  (balance: (cooperation - conflict) / dyads, from -1 to +1)")
    return lines
