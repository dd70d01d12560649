"""The argument graph and who does what to whom: one figure of the link tables.

Left, one column per section in document order, one node per claim (coloured by theme,
numbered by id) and one arrow per claim relation (colour and line style by relation type).
Right, the directed dyads as a source x target matrix, each cell a 2x2 glyph of counts per
quad class. Drawn as :mod:`.plot` draws (lazy matplotlib, pinned font, size and dpi, no dates
or versions in the files), so the same data and matplotlib give the same bytes.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from iran_russia_claims.describe import plot as overview
from iran_russia_claims.describe.plot import DEFAULT_LABEL, DPI, RC, PlotUnavailable
from iran_russia_claims.publish.atomic import atomic_path
from iran_russia_claims.spec.vocab import QuadClass, RelationType, Theme

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.path import Path as Curve

__all__ = ["DEFAULT_LABEL", "STEM", "PlotUnavailable", "figure", "fingerprint", "plot"]

Row = Mapping[str, Any]
Point = tuple[float, float]

#: File name (without suffix) of the figure.
STEM = "argument-graph"
SIZE_INCHES = (14.0, 8.0)
#: Where the panels sit, in inches from the lower left corner: (left, bottom, width, height).
GRAPH_BOX = (0.15, 0.2, 8.85, 7.25)
MATRIX_BOX = (10.15, 3.95, 3.4, 3.4)
#: Upper left corners of the legends (themes, relation types, quad classes), in inches.
LEGENDS = ((9.35, 3.1), (11.5, 3.1), (11.5, 1.9))
HEAD = 0.42  # room for the section headers at the top of the graph
ARCS = 0.62  # room for the lanes of edges between distant sections, under the headers

#: Okabe-Ito, in the order of Theme: told apart by the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#000000", "#009E73", "#F0E442", "#D55E00", "#CC79A7", "#E69F00", "#56B4E9")
THEME_COLOURS: dict[str, str] = dict(zip(Theme, OKABE_ITO, strict=True))
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
    QuadClass.VERBAL_CONFLICT: ("#f4a582", "//", (0, 1)),
    QuadClass.MATERIAL_CONFLICT: ("#b2182b", "//", (1, 1)),
}
LEGEND_STYLE: dict[str, Any] = dict(loc="upper left", frameon=False, alignment="left")
LEGEND_STYLE.update(fontsize=8, title_fontsize=8.5, handlelength=2.6)
NOTE: dict[str, Any] = dict(fontsize=9, color="#555555", ha="center", va="center", style="italic")
MUTUAL = (
    "In each matrix cell: cooperation left, conflict right (hatched); verbal top, material "
    "below. A mutual dyad (each acts on the other) is stored once and counted in its "
    "source \u2192 target cell."
)


def _number(claim_id: str) -> int:
    tail = claim_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _columns(claims: list[Row]) -> list[tuple[str, list[Row]]]:
    """The sections in document order (sources by first id, then start), claims in id order."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for c in sorted(claims, key=lambda c: (_number(c["id"]), c["id"])):
        groups.setdefault((str(c.get("source_id", "")), c["section"]), []).append(c)
    sources = list(dict.fromkeys(source for source, _ in groups))
    order = sorted(groups, key=lambda k: (sources.index(k[0]), groups[k][0].get("start", 0)))
    return [(section, groups[(source, section)]) for source, section in order]


def _dist(a: Point, b: Point) -> float:
    return float(((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5)


def _toward(a: Point, b: Point, r: float) -> Point:
    d = _dist(a, b)
    return a if d == 0 else (a[0] + r * (b[0] - a[0]) / d, a[1] + r * (b[1] - a[1]) / d)


def _route(p: Point, q: Point, corners: list[Point], trim: float) -> Curve:
    """A path from p to q through ``corners``, rounded, its ends ``trim`` outside the nodes."""
    from matplotlib.path import Path as Curve

    points = [_toward(p, corners[0], trim), *corners, _toward(q, corners[-1], trim)]
    verts, codes = [points[0]], [Curve.MOVETO]
    for a, b, c in zip(points, points[1:], points[2:], strict=False):
        r = min(0.1, _dist(a, b) / 2, _dist(b, c) / 2)
        verts += [_toward(b, a, r), b, _toward(b, c, r)]
        codes += [Curve.LINETO, Curve.CURVE3, Curve.CURVE3]
    return Curve([*verts, points[-1]], [*codes, Curve.LINETO])


def _paths(
    relations: list[Row], at: dict[str, Point], step: float, colw: float, top: float, trim: float
) -> list[tuple[Row, Curve]]:
    """One path per relation between drawn claims. Within a section an arc bows sideways (right
    going up, left going down), the more the further it reaches; between neighbouring sections
    an edge runs down the gap between them; further, over the top row in a lane of its own,
    the longer the higher and the nearer the target's column, so that no two lanes cross."""
    from matplotlib.path import Path as Curve

    def dx(r: Row) -> float:
        return abs(at[r["from_id"]][0] - at[r["to_id"]][0])

    drawn = [r for r in relations if r["from_id"] in at and r["to_id"] in at]
    drawn.sort(key=lambda r: (r["relation"], _number(r["from_id"]), _number(r["to_id"])))
    far = sorted(
        (r for r in drawn if dx(r) > 1.5 * colw), key=lambda r: (dx(r), _number(r["from_id"]))
    )
    lanes = {id(r): i / max(len(far) - 1, 1) for i, r in enumerate(far)}
    out = []
    for r in drawn:
        p, q = at[r["from_id"]], at[r["to_id"]]
        if p[0] == q[0]:
            bow = min(0.13 + 0.03 * abs(q[1] - p[1]) / step, 0.42 * colw)
            mid = (p[0] + (2 * bow if q[1] > p[1] else -2 * bow), (p[1] + q[1]) / 2)
            ends = [_toward(p, mid, trim), mid, _toward(q, mid, trim)]
            out.append((r, Curve(ends, [Curve.MOVETO, Curve.CURVE3, Curve.CURVE3])))
        elif id(r) not in lanes:
            gap = (p[0] + q[0]) / 2
            out.append((r, _route(p, q, [(gap, p[1]), (gap, q[1])], trim)))
        else:
            i, s = lanes[id(r)], (1.0 if q[0] > p[0] else -1.0)
            lane, inset = top + 0.16 + (ARCS - 0.26) * i, colw * (0.5 - 0.3 * i)
            xa, xb = p[0] + s * colw / 2, q[0] - s * inset
            out.append((r, _route(p, q, [(xa, p[1]), (xa, lane), (xb, lane), (xb, q[1])], trim)))
    return out


def _graph(ax: Axes, claims: list[Row], relations: list[Row]) -> None:
    from matplotlib.patches import FancyArrowPatch, Rectangle

    w, h = GRAPH_BOX[2], GRAPH_BOX[3]
    ax.set(xlim=(0, w), ylim=(0, h))
    ax.set_axis_off()
    columns = _columns(claims)
    colw, top = w / max(len(columns), 1), h - HEAD - ARCS
    deepest = max((len(m) for _, m in columns), default=1)
    step = min(0.34, (top - 0.12) / max(deepest - 1, 1))
    diameter = min(14.0, step * 72 * 0.8)  # points
    at: dict[str, Point] = {}
    for k, (section, members) in enumerate(columns):
        x = (k + 0.5) * colw
        if k % 2 == 0:
            ax.add_patch(Rectangle((k * colw, 0), colw, h - HEAD, fc="#f2f2f2", lw=0, zorder=0))
        header = textwrap.fill(f"{section.replace('-', ' ')} ({len(members)})", width=17)
        ax.text(x, h - 0.02, header, ha="center", va="top", fontsize=9, fontweight="bold")
        at.update({c["id"]: (x, top - i * step) for i, c in enumerate(members)})
    for theme in Theme:
        mine = [c for c in claims if c["theme"] == theme]
        if not mine:
            continue
        xs, ys = zip(*(at[c["id"]] for c in mine), strict=True)
        ax.scatter(xs, ys, s=diameter**2, c=THEME_COLOURS[theme], ec="white", lw=0.6, zorder=3)
        ink = "white" if theme in DARK_THEMES else "#1a1a1a"
        for c, x, y in zip(mine, xs, ys, strict=True):
            number = str(_number(c["id"]))
            size = min(7.0, diameter * (0.48 if len(number) < 3 else 0.4))
            ax.text(x, y, number, ha="center", va="center", fontsize=size, color=ink, zorder=4)
    if not claims:
        ax.text(w / 2, h / 2, "no claims", **NOTE)
    trim = diameter / 2 / 72 + 0.015
    for r, path in _paths(relations, at, step, colw, top, trim):
        colour, style, width, arrow = RELATION_STYLES[r["relation"]]
        kw: dict[str, Any] = {"color": colour, "ls": style, "lw": width, "zorder": 2}
        ax.add_patch(FancyArrowPatch(path=path, arrowstyle=arrow, mutation_scale=8, **kw))
    if claims and not relations:
        ax.text(w / 2, top + ARCS / 2, "no relations between claims coded", **NOTE)
    title = "The argument, section by section: claims (numbered) and how one bears on another"
    ax.set_title(title, loc="left", pad=4)


def _matrix(ax: Axes, dyads: list[Row]) -> list[str]:
    """Draw the source x target glyphs; returns the actors, those in most dyads first."""
    from matplotlib.patches import Rectangle

    totals = Counter(code for d in dyads for code in (d["source"], d["target"]))
    actors = sorted(totals, key=lambda code: (-totals[code], code))
    n = max(len(actors), 1)
    ax.set(xlim=(-0.5, n - 0.5), ylim=(n - 0.5, -0.5), aspect="equal")
    ax.set_title("Who does what to whom: directed dyads", loc="left", pad=4)
    if not actors:
        ax.set_axis_off()
        ax.text((n - 1) / 2, (n - 1) / 2, "no dyads coded", **NOTE)
        return actors
    counts = Counter((d["source"], d["target"], d["quad_class"]) for d in dyads)
    half = 0.46
    for i, source in enumerate(actors):
        for j, target in enumerate(actors):
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="#d0d0d0", lw=0.6))
            for quad in QuadClass:
                if not (count := counts[(source, target, quad)]):
                    continue
                colour, hatch, (row, col) = QUAD_STYLES[quad]
                x0, y0 = j - half + col * half, i - half + row * half
                sq = Rectangle((x0, y0), half, half, fc=colour, hatch=hatch, ec="white", lw=0)
                ax.add_patch(sq)
                ink = "white" if quad.startswith("material") else "#1a1a1a"
                box = {"boxstyle": "square,pad=0.1", "fc": colour, "lw": 0}
                kw: dict[str, Any] = {"ha": "center", "va": "center", "color": ink, "bbox": box}
                xy, size = (x0 + half / 2, y0 + half / 2), 7 if count < 100 else 5.5
                ax.text(*xy, str(count), size=size, weight="bold", **kw)
    ax.set_xticks(range(len(actors)), actors, rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(actors)), actors)
    ax.tick_params(length=0, labelsize=8.5)
    ax.set_xlabel("target (acted on)", fontsize=9)
    ax.set_ylabel("source (acts)", fontsize=9)
    ax.spines[:].set_visible(False)
    return actors


def _handles(claims: list[Row], dyads: list[Row], relations: list[Row]) -> list[tuple[str, Any]]:
    """Legend titles and entries, with counts: themes, relation types, quad classes."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    n = Counter(
        [("t", c["theme"]) for c in claims]
        + [("r", r["relation"]) for r in relations]
        + [("q", d["quad_class"]) for d in dyads]
    )
    dot: dict[str, Any] = {"ls": "", "marker": "o", "ms": 8, "mec": "white"}
    themes = [
        Line2D([], [], mfc=THEME_COLOURS[t], label=f"{overview._label(t)} ({n['t', t]})", **dot)
        for t in Theme
    ]
    kinds = []
    for rel in RelationType:
        colour, style, width, arrow = RELATION_STYLES[rel]
        way = "" if arrow != "-" else ", no direction"
        label = f"{overview._label(rel)}{way} ({n['r', rel]})"
        kinds.append(Line2D([], [], color=colour, ls=style, lw=width + 0.4, label=label))
    quads = []
    for q in QuadClass:
        colour, hatch, _ = QUAD_STYLES[q]
        label = f"{overview._label(q)} ({n['q', q]})"
        quads.append(Patch(fc=colour, hatch=hatch, ec="white", lw=0, label=label))
    return [
        ("node colour: theme (claims)", themes),
        ("relation (count): an arrow A \u2192 B\nreads 'A supports B'", kinds),
        ("dyad quad class (dyads)", quads),
    ]


def figure(
    claims: Iterable[Row],
    dyads: Iterable[Row],
    relations: Iterable[Row],
    names: Mapping[str, str] | None = None,
    label: str = DEFAULT_LABEL,
) -> Figure:
    """Draw the argument graph beside the actor x actor matrix of dyads by quad class."""
    overview._require_matplotlib()
    import matplotlib as mpl
    from matplotlib.figure import Figure

    claims, dyads, relations = list(claims), list(dyads), list(relations)
    fig_w, fig_h = SIZE_INCHES
    with mpl.rc_context(cast(Any, RC)):
        fig = Figure(figsize=SIZE_INCHES, dpi=DPI)
        graph, matrix = (
            fig.add_axes((x / fig_w, y / fig_h, w / fig_w, h / fig_h))
            for x, y, w, h in (GRAPH_BOX, MATRIX_BOX)
        )
        _graph(graph, claims, relations)
        actors = _matrix(matrix, dyads)
        for (title, handles), (x, y) in zip(
            _handles(claims, dyads, relations), LEGENDS, strict=True
        ):
            at = (x / fig_w, y / fig_h)
            fig.legend(handles=handles, title=title, bbox_to_anchor=at, **LEGEND_STYLE)
        notes = textwrap.fill(MUTUAL, 75)
        if names and actors:
            named = [f"{a} = {names[a]}" for a in actors if a in names]
            notes += "\n" + overview._fill(["Actors:", *named], 75)
        fig.text(LEGENDS[0][0] / fig_w, 0.08 / fig_h, notes, fontsize=7.5, color="#333333")
        articles = len({c.get("source_id") for c in claims})
        title = (
            f"{label}: {len(claims)} claims from "
            f"{'one article' if articles == 1 else f'{articles} articles'}, "
            f"{len(relations)} relations between them, {len(dyads)} actor dyads"
        )
        fig.suptitle(title, fontsize=12, y=0.99, va="top")
    return fig


def fingerprint(claims: Iterable[Row], dyads: Iterable[Row], relations: Iterable[Row]) -> str:
    """A short hash of exactly what the figure shows, written into the files' metadata (see
    :func:`.plot.fingerprint`): a test can tell whether a committed figure is out of date."""
    lines = [f"c|{c['id']}|{c.get('source_id')}|{c['section']}|{c['theme']}" for c in claims]
    lines += [
        f"d|{d['claim_id']}|{d['source']}|{d['target']}|{d['mutual']}|{d['quad_class']}"
        for d in dyads
    ]
    lines += [f"r|{r['from_id']}|{r['to_id']}|{r['relation']}" for r in relations]
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()[:16]


def plot(
    claims: Iterable[Row],
    dyads: Iterable[Row],
    relations: Iterable[Row],
    out: str | Path,
    names: Mapping[str, str] | None = None,
    label: str = DEFAULT_LABEL,
) -> list[Path]:
    """Draw the figure and write ``out/argument-graph.png`` and ``.svg``; returns their paths."""
    import matplotlib as mpl

    claims, dyads, relations = list(claims), list(dyads), list(relations)
    fig = figure(claims, dyads, relations, names, label)
    stamp = fingerprint(claims, dyads, relations)
    about = {
        "Title": f"{label}: the argument graph and who does what to whom",
        "Description": f"Claim relations by section, and actor dyads by quad class. Data {stamp}.",
    }
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    with mpl.rc_context(cast(Any, RC)):
        for fmt in overview.FORMATS:
            path = directory / f"{STEM}.{fmt}"
            with atomic_path(path) as stage:
                metadata = {**overview.METADATA[fmt], **about}
                fig.savefig(stage, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
            paths.append(path)
    return paths
