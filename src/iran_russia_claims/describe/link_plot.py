"""The argument graph and who does what to whom: one figure of the link tables.

Left, the article's argument: one column per section in document order, one node per claim
(coloured by theme, numbered by id), one curved arrow per claim relation (line style and
colour by relation type). Right, the directed dyads as a source x target matrix, each cell a
2x2 glyph of counts per quad class. Drawn with the settings of :mod:`.plot` (lazy matplotlib,
fixed font, size and dpi, no dates or versions in the files), so the same data and matplotlib
give the same bytes.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from iran_russia_claims.describe.plot import (
    DEFAULT_LABEL,
    DPI,
    FORMATS,
    METADATA,
    RC,
    PlotUnavailable,
    _fill,
    _label,
    _require_matplotlib,
)
from iran_russia_claims.publish.atomic import atomic_path
from iran_russia_claims.spec.vocab import QuadClass, RelationType, Theme

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["DEFAULT_LABEL", "STEM", "PlotUnavailable", "figure", "fingerprint", "plot"]

Row = Mapping[str, Any]

#: File name (without suffix) of the figure.
STEM = "argument-graph"
SIZE_INCHES = (14.0, 8.0)
#: Where the panels sit, in inches from the lower left corner: (left, bottom, width, height).
GRAPH_BOX = (0.15, 0.2, 8.85, 7.25)
MATRIX_BOX = (10.05, 3.85, 3.45, 3.45)
HEAD = 0.42  # room for the section headers at the top of the graph
ARCS = 0.62  # room for the arcs between sections, under the headers

#: Okabe-Ito, a qualitative palette told apart by the common colour-vision deficiencies.
THEME_COLOURS: dict[str, str] = {
    Theme.STRATEGIC_ALIGNMENT: "#0072B2",
    Theme.SANCTIONS: "#000000",
    Theme.TRADE_ECONOMY: "#009E73",
    Theme.ENERGY: "#F0E442",
    Theme.MILITARY_SECURITY: "#D55E00",
    Theme.NUCLEAR: "#CC79A7",
    Theme.DIPLOMACY: "#E69F00",
    Theme.FUTURE_OUTLOOK: "#56B4E9",
}
#: Themes whose colour is dark enough for a white number.
DARK_THEMES = (Theme.STRATEGIC_ALIGNMENT, Theme.SANCTIONS, Theme.TRADE_ECONOMY)
#: Relation type -> (colour, line style, line width, arrow style): style is the second cue.
RELATION_STYLES: dict[str, tuple[str, Any, float, str]] = {
    RelationType.SUPPORTS: ("#1a1a1a", "solid", 1.0, "-|>"),
    RelationType.ELABORATES: ("#6f6f6f", (0, (1, 1.2)), 1.1, "-|>"),
    RelationType.CONTRASTS: ("#b2182b", (0, (4, 2)), 1.1, "-|>"),
    RelationType.ALTERNATIVE_TO: ("#5e3c99", (0, (5, 1.5, 1, 1.5)), 1.2, "-"),
}
#: Quad class -> (colour, hatch, (row, column) in a cell's 2x2 glyph): cooperation on the
#: left, conflict (hatched) on the right; verbal on top, material below.
QUAD_STYLES: dict[str, tuple[str, str, tuple[int, int]]] = {
    QuadClass.VERBAL_COOPERATION: ("#92c5de", "", (0, 0)),
    QuadClass.MATERIAL_COOPERATION: ("#2166ac", "", (1, 0)),
    QuadClass.VERBAL_CONFLICT: ("#f4a582", "////", (0, 1)),
    QuadClass.MATERIAL_CONFLICT: ("#b2182b", "////", (1, 1)),
}
NOTE = {"fontsize": 9, "color": "#555555", "ha": "center", "va": "center", "style": "italic"}


def _number(claim_id: str) -> int:
    tail = claim_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _columns(claims: list[Row]) -> list[tuple[str, list[Row]]]:
    """The sections in document order (source by first id, then start), claims in id order."""
    ordered = sorted(claims, key=lambda c: (_number(c["id"]), c["id"]))
    sources: list[str] = []
    groups: dict[tuple[str, str], list[Row]] = {}
    for c in ordered:
        source = str(c.get("source_id", ""))
        if source not in sources:
            sources.append(source)
        groups.setdefault((source, c["section"]), []).append(c)

    def where(key: tuple[str, str]) -> tuple[int, int, int]:
        first = groups[key][0]
        start = min(int(c.get("start", 0)) for c in groups[key])
        return sources.index(key[0]), start, _number(first["id"])

    return [(key[1], groups[key]) for key in sorted(groups, key=where)]


def _rad(p: tuple[float, float], q: tuple[float, float], step: float, top: float, w: float) -> float:
    """The arc3 radius of the edge p -> q (data units are inches, so arc3 works on them).

    Within a section the arc bows sideways (right going up, left going down), further the more
    claims it spans; across sections it rises over the top row, higher the further it goes.
    """
    dx, dy = q[0] - p[0], q[1] - p[1]
    if abs(dx) < 1e-9:
        bow = min(0.06 + 0.035 * abs(dy) / step, 0.55)
        return 2 * bow / dy if dy else 0.0
    lift = top + 0.12 + (ARCS - 0.2) * abs(dx) / w
    return 2 * ((p[1] + q[1]) / 2 - lift) / dx


def _graph(ax: Axes, claims: list[Row], relations: list[Row]) -> None:
    from matplotlib.patches import FancyArrowPatch, Rectangle

    w, h = GRAPH_BOX[2], GRAPH_BOX[3]
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.set_axis_off()
    columns = _columns(claims)
    colw = w / max(len(columns), 1)
    top = h - HEAD - ARCS
    deepest = max((len(m) for _, m in columns), default=1)
    step = min(0.34, (top - 0.12) / max(deepest - 1, 1))
    diameter = min(15.0, step * 72 * 0.88)  # points
    positions: dict[str, tuple[float, float]] = {}
    for k, (section, members) in enumerate(columns):
        x = (k + 0.5) * colw
        if k % 2 == 0:
            band = Rectangle((k * colw, 0), colw, h - HEAD, facecolor="#f2f2f2", lw=0, zorder=0)
            ax.add_patch(band)
        header = textwrap.fill(f"{section.replace('-', ' ')} ({len(members)})", width=17)
        ax.text(x, h - 0.02, header, ha="center", va="top", fontsize=9, fontweight="bold")
        for i, c in enumerate(members):
            positions[c["id"]] = (x, top - i * step)
    for theme in Theme:
        mine = [c for c in claims if c["theme"] == theme]
        if not mine:
            continue
        xs, ys = zip(*(positions[c["id"]] for c in mine), strict=True)
        colour = THEME_COLOURS[theme]
        ax.scatter(xs, ys, s=diameter**2, c=colour, edgecolors="white", lw=0.6, zorder=3)
        ink = "white" if theme in DARK_THEMES else "#1a1a1a"
        for c, x, y in zip(mine, xs, ys, strict=True):
            number = str(_number(c["id"]))
            size = min(7.0, diameter * (0.48 if len(number) < 3 else 0.4))
            ax.text(x, y, number, ha="center", va="center", fontsize=size, color=ink, zorder=4)
    if not claims:
        ax.text(w / 2, h / 2, "no claims", **NOTE)
    edges = sorted(relations, key=lambda r: (r["relation"], r["from_id"], r["to_id"]))
    for r in edges:
        if r["from_id"] not in positions or r["to_id"] not in positions:
            continue
        p, q = positions[r["from_id"]], positions[r["to_id"]]
        colour, style, width, arrow = RELATION_STYLES[r["relation"]]
        shrink = diameter / 2 + 1
        patch = FancyArrowPatch(
            p,
            q,
            connectionstyle=f"arc3,rad={_rad(p, q, step, top, w):.4f}",
            arrowstyle=arrow,
            mutation_scale=8,
            shrinkA=shrink,
            shrinkB=shrink,
            color=colour,
            linestyle=style,
            linewidth=width,
            zorder=2,
        )
        ax.add_patch(patch)
    if claims and not relations:
        ax.text(w / 2, top + ARCS / 2, "no relations between claims coded", **NOTE)
    ax.set_title(
        "The argument, section by section: claims (numbered) and how one bears on another",
        loc="left",
        pad=4,
    )


def _actors(dyads: list[Row]) -> list[str]:
    totals: dict[str, int] = {}
    for d in dyads:
        for code in (d["source"], d["target"]):
            totals[code] = totals.get(code, 0) + 1
    return sorted(totals, key=lambda code: (-totals[code], code))


def _matrix(ax: Axes, dyads: list[Row]) -> list[str]:
    """Draw the source x target glyphs; returns the actors in the order shown."""
    from matplotlib.patches import Rectangle

    actors = _actors(dyads)
    n = max(len(actors), 1)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_title("Who does what to whom: directed dyads", loc="left", pad=4)
    if not actors:
        ax.set_axis_off()
        ax.text((n - 1) / 2, (n - 1) / 2, "no dyads coded", **NOTE)
        return actors
    counts: dict[tuple[str, str, str], int] = {}
    for d in dyads:
        key = (d["source"], d["target"], d["quad_class"])
        counts[key] = counts.get(key, 0) + 1
    half = 0.46
    for i, source in enumerate(actors):
        for j, target in enumerate(actors):
            frame = Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="#d0d0d0", lw=0.6)
            ax.add_patch(frame)
            for quad in QuadClass:
                count = counts.get((source, target, quad), 0)
                if not count:
                    continue
                colour, hatch, (row, col) = QUAD_STYLES[quad]
                x0, y0 = j - half + col * half, i - half + row * half
                square = Rectangle(
                    (x0, y0), half, half, facecolor=colour, hatch=hatch, ec="white", lw=0
                )
                ax.add_patch(square)
                dark = quad in (QuadClass.MATERIAL_COOPERATION, QuadClass.MATERIAL_CONFLICT)
                ax.text(
                    x0 + half / 2,
                    y0 + half / 2,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=7 if count < 100 else 5.5,
                    fontweight="bold",
                    color="white" if dark else "#1a1a1a",
                )
    ax.set_xticks(range(len(actors)), actors, rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(actors)), actors)
    ax.tick_params(length=0, labelsize=8.5)
    ax.set_xlabel("target (acted on)", fontsize=9)
    ax.set_ylabel("source (acts)", fontsize=9)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return actors


def figure(
    claims: Iterable[Row],
    dyads: Iterable[Row],
    relations: Iterable[Row],
    names: Mapping[str, str] | None = None,
    label: str = DEFAULT_LABEL,
) -> Figure:
    """Draw the argument graph beside the actor x actor matrix of dyads by quad class."""
    _require_matplotlib()
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    claims, dyads, relations = list(claims), list(dyads), list(relations)
    fig_w, fig_h = SIZE_INCHES

    def box(inches: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        left, bottom, width, height = inches
        return left / fig_w, bottom / fig_h, width / fig_w, height / fig_h

    with mpl.rc_context(cast(Any, RC)):
        fig = Figure(figsize=SIZE_INCHES, dpi=DPI)
        _graph(fig.add_axes(box(GRAPH_BOX)), claims, relations)
        actors = _matrix(fig.add_axes(box(MATRIX_BOX)), dyads)

        themes = [
            Line2D([], [], ls="", marker="o", ms=8, mfc=THEME_COLOURS[t], mec="white", label=t)
            for t in Theme
        ]
        for handle in themes:
            n = sum(1 for c in claims if c["theme"] == handle.get_label())
            handle.set_label(f"{_label(handle.get_label())} ({n})")
        kinds = []
        for rel in RelationType:
            colour, style, width, arrow = RELATION_STYLES[rel]
            n = sum(1 for r in relations if r["relation"] == rel)
            tip = "A \u2192 B" if arrow != "-" else "A \u2014 B, both ways"
            kinds.append(
                Line2D([], [], color=colour, ls=style, lw=width + 0.4, label=f"{_label(rel)}: {tip} ({n})")
            )
        quads = []
        for quad in QuadClass:
            colour, hatch, _ = QUAD_STYLES[quad]
            n = sum(1 for d in dyads if d["quad_class"] == quad)
            quads.append(
                Patch(facecolor=colour, hatch=hatch, ec="white", lw=0, label=f"{_label(quad)} ({n})")
            )
        style = {"frameon": False, "fontsize": 8, "title_fontsize": 8.5, "alignment": "left"}
        right = 9.35 / fig_w
        fig.legend(
            handles=themes,
            loc="upper left",
            bbox_to_anchor=(right, 2.95 / fig_h),
            title="node colour: theme (claims)",
            handletextpad=0.2,
            **style,
        )
        fig.legend(
            handles=kinds,
            loc="upper left",
            bbox_to_anchor=(11.45 / fig_w, 2.95 / fig_h),
            title="arrow A \u2192 B: claim A ... claim B",
            handlelength=2.6,
            **style,
        )
        fig.legend(
            handles=quads,
            loc="upper left",
            bbox_to_anchor=(11.45 / fig_w, 1.75 / fig_h),
            title="dyad quad class (dyads)",
            handlelength=1.4,
            **style,
        )
        notes = [
            "In each matrix cell: cooperation left, conflict right (hatched); verbal top, "
            "material below. A mutual dyad (each acts on the other) is stored once and counted "
            "in its source \u2192 target cell."
        ]
        if names and actors:
            notes.append(_fill(["Actors:", *(f"{a} = {names[a]}" for a in actors if a in names)], 62))
        fig.text(
            right,
            0.06 / fig_h,
            "\n".join([textwrap.fill(notes[0], 62), *notes[1:]]),
            fontsize=7.5,
            color="#333333",
            va="bottom",
        )
        sources = len({c.get("source_id") for c in claims})
        articles = "one article" if sources == 1 else f"{sources} articles"
        fig.suptitle(
            f"{label}: {len(claims)} claims from {articles}, {len(relations)} relations "
            f"between them, {len(dyads)} actor dyads",
            fontsize=12,
            x=0.5,
            y=0.99,
            va="top",
        )
    return fig


def fingerprint(claims: Iterable[Row], dyads: Iterable[Row], relations: Iterable[Row]) -> str:
    """A short hash of exactly what the figure shows, written into the files' metadata."""
    lines = [f"c|{c['id']}|{c.get('source_id')}|{c['section']}|{c['theme']}" for c in claims]
    lines += [
        f"d|{d['claim_id']}|{d['source']}|{d['target']}|{d['mutual']}|{d['quad_class']}"
        for d in dyads
    ]
    lines += [f"r|{r['from_id']}|{r['to_id']}|{r['relation']}" for r in relations]
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()[:16]


def save(fig: Figure, out: str | Path, stamp: str, label: str = DEFAULT_LABEL) -> list[Path]:
    """Write ``fig`` as PNG and SVG with the pinned settings; returns the paths written."""
    import matplotlib as mpl

    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    about = {
        "Title": f"{label}: the argument graph and who does what to whom",
        "Description": f"Claim relations by section, and actor dyads by quad class. Data {stamp}.",
    }
    paths = []
    with mpl.rc_context(cast(Any, RC)):
        for fmt in FORMATS:
            path = directory / f"{STEM}.{fmt}"
            with atomic_path(path) as stage:
                metadata = {**METADATA[fmt], **about}
                fig.savefig(stage, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
            paths.append(path)
    return paths


def plot(
    claims: Iterable[Row],
    dyads: Iterable[Row],
    relations: Iterable[Row],
    out: str | Path,
    names: Mapping[str, str] | None = None,
    label: str = DEFAULT_LABEL,
) -> list[Path]:
    """Draw the figure and write ``out/argument-graph.png`` and ``.svg``."""
    claims, dyads, relations = list(claims), list(dyads), list(relations)
    stamp = fingerprint(claims, dyads, relations)
    return save(figure(claims, dyads, relations, names, label), out, stamp, label)
