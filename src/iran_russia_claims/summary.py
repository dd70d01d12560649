"""Counts by theme, kind, actor and band, and the confidence distribution, for people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from statistics import mean, median
from typing import Any

from iran_russia_claims.vocab import Band, Kind, Theme


def summarise(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Plain counts (every vocabulary value listed, zero included) and confidence statistics."""
    rows = list(records)
    confidences = [float(r["confidence"]) for r in rows]
    actors: Counter[str] = Counter(code for r in rows for code in r["actors"])
    return {
        "claims": len(rows),
        "theme": {t.value: sum(r["theme"] == t.value for r in rows) for t in Theme},
        "kind": {k.value: sum(r["kind"] == k.value for r in rows) for k in Kind},
        "confidence_band": {
            b.value: sum(r["confidence_band"] == b.value for r in rows) for b in Band
        },
        "actors": dict(sorted(actors.items(), key=lambda kv: (-kv[1], kv[0]))),
        "confidence": {
            "min": min(confidences, default=None),
            "median": median(confidences) if confidences else None,
            "mean": round(mean(confidences), 4) if confidences else None,
            "max": max(confidences, default=None),
        },
    }


def _bar(count: int, total: int, width: int = 30) -> str:
    return "#" * round(width * count / total) if total else ""


def render(summary: dict[str, Any]) -> str:
    """A terminal table: one block per dimension, with counts, shares and bars."""
    total = summary["claims"]
    lines = [f"{total} claims"]
    for title in ("theme", "kind", "confidence_band", "actors"):
        lines.append("")
        lines.append(f"{title:<22} {'n':>4} {'share':>6}")
        for name, count in summary[title].items():
            share = f"{100 * count / total:5.1f}%" if total else "    -"
            lines.append(f"  {name:<20} {count:>4} {share:>6} {_bar(count, total)}")
    stats = summary["confidence"]
    lines.append("")
    lines.append(
        "confidence             "
        + "  ".join(f"{k} {v}" for k, v in stats.items())
    )
    return "\n".join(lines)
