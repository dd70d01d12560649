"""Inter-annotator agreement between two independent annotation passes over the same text.

Usage::

    python scripts/agreement.py [PASS1] [PASS2] [--start N] [--end N] [--details]

``PASS1`` and ``PASS2`` are YAML files with a ``claims`` list in the record shape of
``dataset/claims.yaml`` (defaults: the frozen files ``docs/agreement/pass1.yaml`` and
``docs/agreement/pass2.yaml``). Only claims whose ``start`` lies in ``[start, end)`` are compared
(default: 5823 to 9747, the sections nuclear-question and potential-futures), so the live
``dataset/claims.yaml`` may also be given as ``PASS1``. The script prints a markdown table;
``--details`` adds the matched pairs, every disagreement and every unmatched claim.

Matching rule
-------------
Claims of the two passes are paired one-to-one, greedily:

1. **Candidates.** A claim of pass 1 and a claim of pass 2 are candidates when their character
   spans overlap (at least one character in common) and their assertions share at least one
   content stem that is not a country name. Spans alone cannot decide: one sentence often
   carries two or three claims, and the passes chose different span lengths for the same claim
   (a clause against the whole sentence), so an overlap / union threshold splits true pairs and
   cannot tell apart the claims that share a sentence.
2. **Score.** The Dice coefficient of the two assertions' content stems: lower-cased words of
   two or more letters, stop words removed, each cut to its first five letters (a crude stemmer
   that lets "integrate" meet "integration" and "relations" meet "relationship"). Actor names
   are kept in the stems: who does what is part of the proposition.
3. **Greedy pairing.** Candidates are taken in order of falling Dice, then falling span overlap
   / union, then document order; a pair is kept when neither claim is paired yet.

A claim left without a partner is "found by one pass only".

Measures
--------
``found by both`` is matched / union = matched / (n1 + n2 - matched); the two one-way shares are
matched / n1 (pass 1 claims that pass 2 also found) and matched / n2. Over the matched pairs:
Cohen's kappa on ``theme`` and on ``kind``, Spearman's rho (Pearson's r of average ranks, so ties
share the mean of their ranks) on ``confidence``, and the share of pairs with exactly the same
set of actors. Kappa is undefined (NaN) when chance agreement is 1, rho when either side has no
variance. Only the standard library and the project's package are used.

Dyads and relations (issue 15)
------------------------------
::

    python scripts/agreement.py relations [--dyads P1 P2] [--relations P1 P2]
                                          [--first ID] [--last ID] [--details]

compares two passes of ``claim_dyads`` and ``claim_relations`` (defaults: the frozen
``docs/agreement/relations/pass1-*.yaml`` against ``pass2-*.yaml``). A file is a bare list of
rows or a mapping with the list under ``dyads`` / ``relations``, so the resolved tables in
``dataset/`` may be given too. Only claims ``IRR-0069`` to ``IRR-0111`` (both included; the ids
of the sections nuclear-question and potential-futures, the part pass 2 coded) are compared: a
dyad when its ``claim_id`` is in that range, an edge when **both** ends are. A pass 1 edge with one
end outside the range (a section claim supporting an opening claim) is out of scope: it is
counted, not compared.

Pass 1 is the reference: precision = matched / n2 (the share of pass 2's rows that pass 1 also
has), recall = matched / n1, F1 = 2 matched / (n1 + n2).

* **Dyads** match on (claim_id, source, target, mutual); a mutual dyad is an unordered pair, so
  its two codes are compared as a set. Cohen's kappa on ``quad_class`` over the matched dyads.
  Also reported: the claims of the range that neither pass gave a dyad, and those only one did.
* **Edges** match on (from_id, to_id); ``alternative_to`` is unordered, so its ends are put in
  numeric order first. An edge one pass has the other way round is **not** a match; such pairs
  are counted on their own line. Cohen's kappa on ``relation`` over the matched edges, and the
  observed agreement on ``ground`` (the frozen passes spell it in words, "thesis and support",
  which is normalised to the snake_case vocabulary, ``thesis_support``).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iran_russia_claims.curation.dataset import read_yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PASS1 = REPO / "docs" / "agreement" / "pass1.yaml"
DEFAULT_PASS2 = REPO / "docs" / "agreement" / "pass2.yaml"
DEFAULT_START = 5823
DEFAULT_END = 9747

STEM_LENGTH = 5
_STOP_TEXT = """
    a an the and or but nor of to in on for with by as at from into onto over under than then
    is are was were be been being am it its it's this that these those which who whom whose
    has have had having will would shall should may might could can must do does did
    not no any some such each other both more most very own so also only just about
    while where when what how there their they them he she his her we our you your"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
#: Stems of country names: they are kept for scoring but cannot on their own make a candidate.
NAME_STEMS = frozenset({"iran", "irani", "russi", "tehra", "mosco"})


# --- statistics -----------------------------------------------------------------------------


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Cohen's kappa of two raters' labels for the same items: (p_o - p_e) / (1 - p_e).

    p_o is the observed share of items with the same label; p_e the agreement expected by
    chance from each rater's own label frequencies. NaN when p_e is 1 (both raters used one and
    the same label for every item) and for no items.
    """
    if len(first) != len(second):
        raise ValueError("both raters must label the same items")
    n = len(first)
    if n == 0:
        return math.nan
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    counts_a, counts_b = Counter(first), Counter(second)
    expected = sum(counts_a[label] * counts_b[label] for label in counts_a) / (n * n)
    if math.isclose(expected, 1.0):
        return math.nan
    return (observed - expected) / (1.0 - expected)


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks of ``values``; tied values all get the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        mean_rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = mean_rank
        i = j + 1
    return ranks


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson's r; NaN when either series has no variance or fewer than two items."""
    if len(x) != len(y):
        raise ValueError("series must have the same length")
    n = len(x)
    if n < 2:
        return math.nan
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return math.nan
    return sxy / math.sqrt(sxx * syy)


def spearman_rho(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: Pearson's r of the average ranks (the tie-corrected form)."""
    return pearson(average_ranks(x), average_ranks(y))


# --- matching -------------------------------------------------------------------------------


def stems(assertion: str) -> frozenset[str]:
    """Content stems of an assertion: words of 2+ letters, no stop words, first five letters."""
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", assertion.lower())
    return frozenset(
        w.split("'")[0][:STEM_LENGTH]
        for w in words
        if w not in STOP_WORDS and len(w.split("'")[0]) >= 2
    )


def dice(first: frozenset[str], second: frozenset[str]) -> float:
    """Dice coefficient 2|A and B| / (|A| + |B|); 0 for two empty sets."""
    total = len(first) + len(second)
    return 2 * len(first & second) / total if total else 0.0


def span_iou(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Overlap / union of two records' character ranges [start, end)."""
    inter = min(a["end"], b["end"]) - max(a["start"], b["start"])
    union = max(a["end"], b["end"]) - min(a["start"], b["start"])
    return max(inter, 0) / union if union else 0.0


@dataclass(frozen=True)
class Pair:
    """One matched pair and the evidence that paired it."""

    first: dict[str, Any]
    second: dict[str, Any]
    dice: float
    iou: float


def match(first: Sequence[dict[str, Any]], second: Sequence[dict[str, Any]]) -> list[Pair]:
    """Pair the claims of two passes one-to-one by the rule in the module docstring."""
    candidates = []
    for i, a in enumerate(first):
        sa = stems(a["assertion"])
        for j, b in enumerate(second):
            overlap = min(a["end"], b["end"]) - max(a["start"], b["start"])
            sb = stems(b["assertion"])
            if overlap <= 0 or not (sa & sb) - NAME_STEMS:
                continue
            candidates.append((-dice(sa, sb), -span_iou(a, b), i, j))
    candidates.sort()
    used_first: set[int] = set()
    used_second: set[int] = set()
    pairs = []
    for neg_dice, neg_iou, i, j in candidates:
        if i in used_first or j in used_second:
            continue
        used_first.add(i)
        used_second.add(j)
        pairs.append(Pair(first[i], second[j], -neg_dice, -neg_iou))
    return sorted(pairs, key=lambda p: (p.first["start"], p.first["id"]))


def match_by_span_only(
    first: Sequence[dict[str, Any]], second: Sequence[dict[str, Any]], threshold: float = 0.5
) -> list[tuple[str, str]]:
    """The rejected alternative, for comparison: greedy by overlap / union >= ``threshold``."""
    candidates = sorted(
        (-span_iou(a, b), i, j)
        for i, a in enumerate(first)
        for j, b in enumerate(second)
        if span_iou(a, b) >= threshold
    )
    used_first: set[int] = set()
    used_second: set[int] = set()
    out = []
    for _, i, j in candidates:
        if i not in used_first and j not in used_second:
            used_first.add(i)
            used_second.add(j)
            out.append((first[i]["id"], second[j]["id"]))
    return out


# --- report ---------------------------------------------------------------------------------


def load_claims(path: Path, start: int, end: int) -> list[dict[str, Any]]:
    """The claims of a YAML file whose ``start`` lies in ``[start, end)``."""
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise SystemExit(f"{path}: expected a mapping with a list under 'claims'")
    return [c for c in data["claims"] if start <= c["start"] < end]


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def measure(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, Any]:
    """Every figure of the report, as plain numbers."""
    pairs = match(first, second)
    n1, n2, m = len(first), len(second), len(pairs)
    union = n1 + n2 - m

    def column(name: str) -> tuple[list[Any], list[Any]]:
        return [p.first[name] for p in pairs], [p.second[name] for p in pairs]

    theme_a, theme_b = column("theme")
    kind_a, kind_b = column("kind")
    conf_a, conf_b = column("confidence")
    band_a, band_b = column("confidence_band")
    actors_a, actors_b = column("actors")
    return {
        "n1": n1,
        "n2": n2,
        "matched": m,
        "union": union,
        "found_by_both": m / union if union else math.nan,
        "recall_1": m / n1 if n1 else math.nan,
        "recall_2": m / n2 if n2 else math.nan,
        "theme_agree": sum(a == b for a, b in zip(theme_a, theme_b, strict=True)),
        "theme_kappa": cohen_kappa(theme_a, theme_b),
        "kind_agree": sum(a == b for a, b in zip(kind_a, kind_b, strict=True)),
        "kind_kappa": cohen_kappa(kind_a, kind_b),
        "conf_agree": sum(a == b for a, b in zip(conf_a, conf_b, strict=True)),
        "band_agree": sum(a == b for a, b in zip(band_a, band_b, strict=True)),
        "conf_rho": spearman_rho(conf_a, conf_b),
        "actor_sets_agree": sum(set(a) == set(b) for a, b in zip(actors_a, actors_b, strict=True)),
        "actor_lists_agree": sum(a == b for a, b in zip(actors_a, actors_b, strict=True)),
        "pairs": pairs,
    }


def render_table(r: dict[str, Any]) -> str:
    """The figures as a markdown table."""
    m = r["matched"]

    def share(count: int) -> str:
        return f"{count}/{m} = {count / m:.3f}" if m else "n/a"

    rows = [
        ("claims in pass 1 (range)", str(r["n1"])),
        ("claims in pass 2 (range)", str(r["n2"])),
        ("matched pairs", str(m)),
        (
            "found by both: matched / (n1 + n2 - matched)",
            f"{m}/{r['union']} = {_fmt(r['found_by_both'])}",
        ),
        (
            "pass 1 claims also found by pass 2: matched / n1",
            f"{m}/{r['n1']} = {_fmt(r['recall_1'])}",
        ),
        (
            "pass 2 claims also found by pass 1: matched / n2",
            f"{m}/{r['n2']} = {_fmt(r['recall_2'])}",
        ),
        ("theme: observed agreement", share(r["theme_agree"])),
        ("theme: Cohen's kappa", _fmt(r["theme_kappa"])),
        ("kind: observed agreement", share(r["kind_agree"])),
        ("kind: Cohen's kappa", _fmt(r["kind_kappa"])),
        ("confidence: exact agreement", share(r["conf_agree"])),
        ("confidence band: agreement", share(r["band_agree"])),
        ("confidence: Spearman's rho", _fmt(r["conf_rho"])),
        ("actors: same set", share(r["actor_sets_agree"])),
        ("actors: same list, same order", share(r["actor_lists_agree"])),
    ]
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


FIELDS = ("theme", "kind", "confidence", "actors", "hedges")


def render_details(
    r: dict[str, Any], first: list[dict[str, Any]], second: list[dict[str, Any]]
) -> str:
    """Matched pairs, the fields on which each pair differs, and the unmatched claims."""
    lines = [
        "",
        "## Matched pairs",
        "",
        "| pass 1 | pass 2 | Dice | overlap/union | differs on |",
        "|---|---|---|---|---|",
    ]
    for p in r["pairs"]:
        diffs = []
        for name in FIELDS:
            a, b = p.first[name], p.second[name]
            same = set(a) == set(b) if name == "actors" else a == b
            if name == "actors" and same and a != b:
                diffs.append("actor order")
            elif not same:
                diffs.append(f"{name} {a} / {b}")
        lines.append(
            f"| {p.first['id']} | {p.second['id']} | {p.dice:.2f} | {p.iou:.2f} | "
            f"{'; '.join(diffs) or '-'} |"
        )
    paired_1 = {p.first["id"] for p in r["pairs"]}
    paired_2 = {p.second["id"] for p in r["pairs"]}
    lines += ["", "## Unmatched", ""]
    for label, claims, paired in (("pass 1", first, paired_1), ("pass 2", second, paired_2)):
        rest = [c for c in claims if c["id"] not in paired]
        lines.append(
            f"- {label}: "
            + (", ".join(f"{c['id']} ({c['start']}-{c['end']})" for c in rest) or "none")
        )
    span_only = match_by_span_only(first, second)
    chosen = {(p.first["id"], p.second["id"]) for p in r["pairs"]}
    lines += [
        "",
        f"For comparison, span overlap / union >= 0.5 alone pairs {len(span_only)} "
        f"claims, {len(set(span_only) - chosen)} of them differently from the rule above.",
    ]
    return "\n".join(lines)


# --- issue 15: dyads and the argument graph -----------------------------------------------

RELATIONS_DIR = REPO / "docs" / "agreement" / "relations"
DEFAULT_DYADS = (RELATIONS_DIR / "pass1-dyads.yaml", RELATIONS_DIR / "pass2-dyads.yaml")
DEFAULT_EDGES = (RELATIONS_DIR / "pass1-relations.yaml", RELATIONS_DIR / "pass2-relations.yaml")
DEFAULT_FIRST_ID = "IRR-0069"
DEFAULT_LAST_ID = "IRR-0111"

#: The frozen passes write ``ground`` in words; the dataset uses these snake_case names.
GROUND_NAMES = {
    "connective": "connective",
    "contrast connective": "contrast_connective",
    "for-x frame": "for_frame",
    "relative clause": "relative_clause",
    "scenario list": "scenario_list",
    "thesis and support": "thesis_support",
}


def claim_number(claim_id: str) -> int:
    """The number of an ``IRR-NNNN`` id, for numeric order and ranges."""
    found = re.fullmatch(r"IRR-(\d+)", claim_id)
    if found is None:
        raise ValueError(f"not a claim id: {claim_id!r}")
    return int(found.group(1))


def claim_range(first: str, last: str) -> list[str]:
    """The ids from ``first`` to ``last``, both included."""
    return [f"IRR-{n:04d}" for n in range(claim_number(first), claim_number(last) + 1)]


def ground_name(ground: str) -> str:
    """A ground in the dataset's snake_case vocabulary (words as the frozen passes spell them)."""
    return GROUND_NAMES.get(ground.strip().lower(), ground)


def load_rows(path: Path, key: str) -> list[dict[str, Any]]:
    """The rows of a dyads or relations file: a bare list, or a mapping with the list at ``key``."""
    data = read_yaml(path)
    if isinstance(data, dict):
        data = data.get(key)
    if not isinstance(data, list):
        raise SystemExit(f"{path}: expected a list of rows, or a mapping with one under {key!r}")
    return data


def dyad_key(row: dict[str, Any]) -> tuple[str, str, str, bool]:
    """(claim_id, source, target, mutual); a mutual dyad's codes sorted: an unordered pair."""
    source, target, mutual = row["source"], row["target"], row["mutual"] is True
    if mutual:
        source, target = sorted((source, target))
    return (row["claim_id"], source, target, mutual)


def edge_key(row: dict[str, Any]) -> tuple[str, str]:
    """(from_id, to_id); an ``alternative_to`` edge, unordered, with its ends in numeric order."""
    ends = (row["from_id"], row["to_id"])
    if row["relation"] == "alternative_to":
        ends = tuple(sorted(ends, key=claim_number))
    return (ends[0], ends[1])


def keyed(rows: Sequence[dict[str, Any]], key: Any) -> dict[Any, dict[str, Any]]:
    """The rows by their matching key; two rows of one pass with one key are an error."""
    out: dict[Any, dict[str, Any]] = {}
    for row in rows:
        k = key(row)
        if k in out:
            raise ValueError(f"two rows of one pass share the matching key {k}")
        out[k] = row
    return out


def _scores(n1: int, n2: int, m: int) -> dict[str, float]:
    return {
        "precision": m / n2 if n2 else math.nan,
        "recall": m / n1 if n1 else math.nan,
        "f1": 2 * m / (n1 + n2) if n1 + n2 else math.nan,
    }


def measure_dyads(
    first: Sequence[dict[str, Any]], second: Sequence[dict[str, Any]], claim_ids: Sequence[str]
) -> dict[str, Any]:
    """Dyad figures over the claims ``claim_ids``, pass 1 (``first``) as the reference."""
    scope = set(claim_ids)
    one = keyed([r for r in first if r["claim_id"] in scope], dyad_key)
    two = keyed([r for r in second if r["claim_id"] in scope], dyad_key)
    matched = sorted(one.keys() & two.keys())
    label_a = [one[k]["quad_class"] for k in matched]
    label_b = [two[k]["quad_class"] for k in matched]
    with_1 = {k[0] for k in one}
    with_2 = {k[0] for k in two}
    n1, n2, m = len(one), len(two), len(matched)
    return {
        "claims": len(claim_ids),
        "n1": n1,
        "n2": n2,
        "matched": m,
        **_scores(n1, n2, m),
        "label_agree": sum(a == b for a, b in zip(label_a, label_b, strict=True)),
        "kappa": cohen_kappa(label_a, label_b),
        "no_dyad_either": [c for c in claim_ids if c not in with_1 and c not in with_2],
        "dyad_one_pass": [c for c in claim_ids if (c in with_1) != (c in with_2)],
        "matched_keys": matched,
        "only_1": sorted(one.keys() - two.keys()),
        "only_2": sorted(two.keys() - one.keys()),
        "rows_1": one,
        "rows_2": two,
    }


def measure_edges(
    first: Sequence[dict[str, Any]], second: Sequence[dict[str, Any]], claim_ids: Sequence[str]
) -> dict[str, Any]:
    """Edge figures over the edges with both ends in ``claim_ids``, pass 1 as the reference."""
    scope = set(claim_ids)

    def inside(row: dict[str, Any]) -> bool:
        return row["from_id"] in scope and row["to_id"] in scope

    def crossing(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in rows if (r["from_id"] in scope) != (r["to_id"] in scope)]

    one = keyed([r for r in first if inside(r)], edge_key)
    two = keyed([r for r in second if inside(r)], edge_key)
    matched = sorted(one.keys() & two.keys())
    only_1 = sorted(one.keys() - two.keys())
    only_2 = sorted(two.keys() - one.keys())
    reversed_ = [k for k in only_1 if (k[1], k[0]) in two.keys() - one.keys()]
    label_a = [one[k]["relation"] for k in matched]
    label_b = [two[k]["relation"] for k in matched]
    ground_a = [ground_name(one[k]["ground"]) for k in matched]
    ground_b = [ground_name(two[k]["ground"]) for k in matched]
    n1, n2, m = len(one), len(two), len(matched)
    return {
        "n1": n1,
        "n2": n2,
        "matched": m,
        **_scores(n1, n2, m),
        "reversed": reversed_,
        "label_agree": sum(a == b for a, b in zip(label_a, label_b, strict=True)),
        "kappa": cohen_kappa(label_a, label_b),
        "ground_agree": sum(a == b for a, b in zip(ground_a, ground_b, strict=True)),
        "crossing_1": crossing(first),
        "crossing_2": crossing(second),
        "matched_keys": matched,
        "only_1": only_1,
        "only_2": only_2,
        "rows_1": one,
        "rows_2": two,
    }


def render_relations_table(d: dict[str, Any], e: dict[str, Any], first: str, last: str) -> str:
    """The dyad and edge figures side by side as one markdown table."""

    def ratio(count: int, total: int) -> str:
        return f"{count}/{total} = {count / total:.3f}" if total else "n/a"

    def cell(r: dict[str, Any], measure: str) -> str:
        return _fmt(r[measure])

    rows = [
        ("claims compared", f"{d['claims']} ({first} to {last})", "both ends among them"),
        ("rows in pass 1 (n1)", str(d["n1"]), str(e["n1"])),
        ("rows in pass 2 (n2)", str(d["n2"]), str(e["n2"])),
        (
            "pass 1 rows left out: one end outside the range",
            "n/a",
            str(len(e["crossing_1"])),
        ),
        ("matched", str(d["matched"]), str(e["matched"])),
        (
            "precision: matched / n2 (pass 1 as reference)",
            ratio(d["matched"], d["n2"]),
            ratio(e["matched"], e["n2"]),
        ),
        ("recall: matched / n1", ratio(d["matched"], d["n1"]), ratio(e["matched"], e["n1"])),
        ("F1: 2 matched / (n1 + n2)", cell(d, "f1"), cell(e, "f1")),
        ("the other way round in the other pass (not matched)", "n/a", str(len(e["reversed"]))),
        (
            "label (quad_class / relation): observed agreement",
            ratio(d["label_agree"], d["matched"]),
            ratio(e["label_agree"], e["matched"]),
        ),
        ("label: Cohen's kappa", cell(d, "kappa"), cell(e, "kappa")),
        ("ground: observed agreement", "n/a", ratio(e["ground_agree"], e["matched"])),
        (
            "claims with no dyad in either pass",
            ratio(len(d["no_dyad_either"]), d["claims"]),
            "n/a",
        ),
        ("claims with dyads in one pass only", ratio(len(d["dyad_one_pass"]), d["claims"]), "n/a"),
    ]
    lines = ["| measure | dyads | edges |", "|---|---|---|"]
    lines += [f"| {name} | {a} | {b} |" for name, a, b in rows]
    return "\n".join(lines)


def _dyad_text(key: tuple[str, str, str, bool]) -> str:
    claim, source, target, mutual = key
    return f"{claim} {source} {'<->' if mutual else '->'} {target}"


def render_relations_details(d: dict[str, Any], e: dict[str, Any]) -> str:
    """Every disagreement: label differences over matched rows, and the rows of one pass only."""
    lines = ["", "## Dyads: matched, different quad_class", ""]
    for k in d["matched_keys"]:
        a, b = d["rows_1"][k]["quad_class"], d["rows_2"][k]["quad_class"]
        if a != b:
            lines.append(f"- {_dyad_text(k)}: {a} / {b}")
    for label, keys, rows in (
        ("pass 1", d["only_1"], d["rows_1"]),
        ("pass 2", d["only_2"], d["rows_2"]),
    ):
        lines += ["", f"## Dyads in {label} only", ""]
        lines += [f"- {_dyad_text(k)} {rows[k]['quad_class']}" for k in keys] or ["- none"]
    lines += ["", "## Claims with dyads in one pass only", ""]
    lines.append("- " + (", ".join(d["dyad_one_pass"]) or "none"))
    lines += ["", "## Claims with no dyad in either pass", ""]
    lines.append("- " + (", ".join(d["no_dyad_either"]) or "none"))
    lines += ["", "## Edges: matched, different relation or ground", ""]
    for k in e["matched_keys"]:
        a, b = e["rows_1"][k], e["rows_2"][k]
        ga, gb = ground_name(a["ground"]), ground_name(b["ground"])
        if a["relation"] != b["relation"] or ga != gb:
            lines.append(f"- {k[0]} -> {k[1]}: {a['relation']} ({ga}) / {b['relation']} ({gb})")
    reversed_ = set(e["reversed"])
    lines += ["", "## Edges the other way round in the two passes", ""]
    lines += [
        f"- pass 1 {k[0]} -> {k[1]} {e['rows_1'][k]['relation']}; "
        f"pass 2 {k[1]} -> {k[0]} {e['rows_2'][(k[1], k[0])]['relation']}"
        for k in e["reversed"]
    ] or ["- none"]
    flipped = {(k[1], k[0]) for k in reversed_}
    for label, keys, rows, skip in (
        ("pass 1", e["only_1"], e["rows_1"], reversed_),
        ("pass 2", e["only_2"], e["rows_2"], flipped),
    ):
        lines += ["", f"## Edges in {label} only", ""]
        lines += [
            f"- {k[0]} -> {k[1]} {rows[k]['relation']} ({ground_name(rows[k]['ground'])})"
            for k in keys
            if k not in skip
        ] or ["- none"]
    lines += ["", "## Pass 1 edges with one end outside the range (not compared)", ""]
    crossing = [f"- {r['from_id']} -> {r['to_id']} {r['relation']}" for r in e["crossing_1"]]
    lines += crossing or ["- none"]
    return "\n".join(lines)


def relations_main(argv: Sequence[str]) -> int:
    """``agreement.py relations``: the dyad and edge figures (and, with --details, the lists)."""
    parser = argparse.ArgumentParser(
        prog="agreement.py relations", description="Agreement on claim_dyads and claim_relations"
    )
    parser.add_argument("--dyads", nargs=2, type=Path, default=DEFAULT_DYADS, metavar="PASS")
    parser.add_argument("--relations", nargs=2, type=Path, default=DEFAULT_EDGES, metavar="PASS")
    parser.add_argument("--first", default=DEFAULT_FIRST_ID, help="first claim id compared")
    parser.add_argument("--last", default=DEFAULT_LAST_ID, help="last claim id compared")
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    claim_ids = claim_range(args.first, args.last)
    d = measure_dyads(
        load_rows(args.dyads[0], "dyads"), load_rows(args.dyads[1], "dyads"), claim_ids
    )
    e = measure_edges(
        load_rows(args.relations[0], "relations"),
        load_rows(args.relations[1], "relations"),
        claim_ids,
    )
    print(render_relations_table(d, e, args.first, args.last))
    if args.details:
        print(render_relations_details(d, e))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else list(argv)
    if args_in[:1] == ["relations"]:
        return relations_main(args_in[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pass1", nargs="?", type=Path, default=DEFAULT_PASS1)
    parser.add_argument("pass2", nargs="?", type=Path, default=DEFAULT_PASS2)
    parser.add_argument("--start", type=int, default=DEFAULT_START, help="first offset compared")
    parser.add_argument("--end", type=int, default=DEFAULT_END, help="offset past the range")
    parser.add_argument("--details", action="store_true", help="list pairs and disagreements")
    args = parser.parse_args(args_in)
    first = load_claims(args.pass1, args.start, args.end)
    second = load_claims(args.pass2, args.start, args.end)
    result = measure(first, second)
    print(render_table(result))
    if args.details:
        print(render_details(result, first, second))
    return 0


if __name__ == "__main__":
    sys.exit(main())
