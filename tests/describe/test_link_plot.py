"""The argument-graph figure: deterministic bytes, one node per claim and one arrow per relation,
full legends, nothing colliding, and an empty panel (with a note) when a link table is empty."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import pytest

from conftest import EXPORTS, REPO
from iran_russia_claims.spec.vocab import QuadClass, RelationType, Theme

pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")

from matplotlib.collections import PathCollection
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

from iran_russia_claims.describe import link_plot

Rows = list[dict[str, Any]]


def _read(name: str) -> Rows:
    rows: Rows = json.loads((EXPORTS / f"{name}.json").read_text(encoding="utf-8"))
    return rows


@pytest.fixture(scope="module")
def data() -> tuple[Rows, Rows, Rows]:
    return _read("claims"), _read("claim_dyads"), _read("claim_relations")


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return {a["code"]: a["name"] for a in _read("actors")}


def _nodes(fig: Any) -> int:
    graph = fig.axes[0]
    return sum(len(c.get_offsets()) for c in graph.collections if isinstance(c, PathCollection))


def _edges(fig: Any) -> list[FancyArrowPatch]:
    return [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]


def _drawn(fig: Any) -> list[Text]:
    """Every text drawn: the graph panel has no axes, so its (empty) tick labels are left out."""
    texts = [fig._suptitle, *fig.texts, *(t for lg in fig.legends for t in lg.get_texts())]
    texts += [lg.get_title() for lg in fig.legends]
    for ax in fig.axes:
        texts += [*ax.texts, ax.title, ax._left_title]
        if ax.axison:
            texts += [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label]
    unique = dict.fromkeys(t for t in texts if t is not None)  # the suptitle is in fig.texts
    return [t for t in unique if t.get_visible() and t.get_text().strip()]


def _texts(fig: Any) -> list[str]:
    return [t.get_text() for t in _drawn(fig)]


def test_rendering_twice_gives_identical_bytes(
    tmp_path: Path, data: tuple[Rows, Rows, Rows], names: dict[str, str]
) -> None:
    first = link_plot.plot(*data, tmp_path / "a", names)
    second = link_plot.plot(*data, tmp_path / "b", names)
    assert [p.name for p in first] == ["argument-graph.png", "argument-graph.svg"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two renders"
    assert b"Software" not in first[0].read_bytes()
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "Matplotlib v" not in svg
    assert f"Data {link_plot.fingerprint(*data)}." in svg


def test_one_node_per_claim_and_one_arrow_per_relation(data: tuple[Rows, Rows, Rows]) -> None:
    claims, dyads, relations = data
    fig = link_plot.figure(claims, dyads, relations)
    assert _nodes(fig) == len(claims)
    edges = _edges(fig)
    assert len(edges) == len(relations)
    # the relation type is told by line style as well as colour, and symmetric ones have no head
    styles = {r: link_plot.RELATION_STYLES[r][1] for r in RelationType}
    assert len({str(s) for s in styles.values()}) == len(RelationType)
    heads = {type(e.get_arrowstyle()).__name__ for e in edges}
    assert heads == {"CurveFilledB", "Curve"} if relations else set()
    numbers = {str(int(c["id"].rsplit("-", 1)[1])) for c in claims}
    assert numbers <= set(_texts(fig))


def test_nodes_do_not_touch(data: tuple[Rows, Rows, Rows]) -> None:
    fig = link_plot.figure(*data)
    graph = fig.axes[0]
    centres, sizes = [], []
    for c in graph.collections:
        if isinstance(c, PathCollection):
            centres += [tuple(xy) for xy in graph.transData.transform(c.get_offsets())]
            sizes += [math.sqrt(c.get_sizes()[0]) * fig.dpi / 72] * len(c.get_offsets())
    diameter = max(sizes)
    assert diameter * 72 / fig.dpi >= 9, "nodes too small to hold a number"
    for i, (x, y) in enumerate(centres):
        for u, v in centres[i + 1 :]:
            assert math.hypot(x - u, y - v) > diameter, "two nodes touch"


def test_legends_name_every_theme_relation_type_and_quad_class_with_counts(
    data: tuple[Rows, Rows, Rows],
) -> None:
    claims, dyads, relations = data
    fig = link_plot.figure(claims, dyads, relations)
    entries = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    for theme in Theme:
        n = sum(1 for c in claims if c["theme"] == theme)
        assert f"{theme.value.replace('_', ' ')} ({n})" in entries
    for rel in RelationType:
        n = sum(1 for r in relations if r["relation"] == rel)
        assert any(
            e.startswith(rel.value.replace("_", " ")) and e.endswith(f"({n})") for e in entries
        )
    for quad in QuadClass:
        n = sum(1 for d in dyads if d["quad_class"] == quad)
        assert f"{quad.value.replace('_', ' ')} ({n})" in entries


def test_matrix_counts_add_up_to_the_dyads(
    data: tuple[Rows, Rows, Rows], names: dict[str, str]
) -> None:
    claims, dyads, relations = data
    fig = link_plot.figure(claims, dyads, relations, names)
    matrix = fig.axes[1]
    counts = [int(t.get_text()) for t in matrix.texts if t.get_text().isdigit()]
    assert sum(counts) == len(dyads)
    actors = {d["source"] for d in dyads} | {d["target"] for d in dyads}
    assert {t.get_text() for t in matrix.get_xticklabels()} == actors
    assert any("stored once" in t for t in _texts(fig))


def test_nothing_is_clipped_and_no_two_labels_touch(
    data: tuple[Rows, Rows, Rows], names: dict[str, str]
) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = link_plot.figure(*data, names)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    page = fig.bbox
    upright = [t for t in _drawn(fig) if t.get_rotation() % 90 == 0]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in upright]
    assert len(boxes) > len(data[0]) + 20
    for text, box in boxes:
        assert page.x0 - 1 <= box.x0, f"{text!r} runs off the page"
        assert box.x1 <= page.x1 + 1, f"{text!r} runs off the page"
        assert page.y0 - 1 <= box.y0, f"{text!r} runs off the page"
        assert box.y1 <= page.y1 + 1, f"{text!r} runs off the page"
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"
    graph, matrix = fig.axes[:2]
    # slanted labels are parallel strips: apart when their anchors are a line of text apart
    slanted = [t for t in _drawn(fig) if t.get_rotation() % 90 != 0]
    assert slanted == list(matrix.get_xticklabels())
    ends = [t.get_window_extent(renderer).x1 for t in slanted]
    line = slanted[0].get_fontsize() * fig.dpi / 72 * 1.2
    sine = math.sin(math.radians(slanted[0].get_rotation()))
    assert all((b - a) * sine > line for a, b in itertools.pairwise(ends))
    panels = [graph.get_window_extent(renderer), matrix.get_tightbbox(renderer)]
    for legend in fig.legends:
        box = legend.get_window_extent(renderer)
        assert not any(box.overlaps(p) for p in panels), "a legend covers a panel"
    legends = [legend.get_window_extent(renderer) for legend in fig.legends]
    assert not any(a.overlaps(b) for i, a in enumerate(legends) for b in legends[i + 1 :])


@pytest.mark.parametrize("empty", ["dyads", "relations", "both"])
def test_empty_link_tables_draw_an_empty_panel_with_a_note(
    tmp_path: Path, data: tuple[Rows, Rows, Rows], empty: str
) -> None:
    claims, dyads, relations = data
    dyads = [] if empty in ("dyads", "both") else dyads
    relations = [] if empty in ("relations", "both") else relations
    fig = link_plot.figure(claims, dyads, relations)
    assert _nodes(fig) == len(claims)
    assert len(_edges(fig)) == len(relations)
    texts = _texts(fig)
    assert ("no dyads coded" in texts) == (not dyads)
    assert ("no relations between claims coded" in texts) == (not relations)
    paths = link_plot.plot(claims, dyads, relations, tmp_path)
    assert all(p.stat().st_size > 0 for p in paths)


def test_no_claims_at_all_still_draws(tmp_path: Path) -> None:
    fig = link_plot.figure([], [], [])
    assert _nodes(fig) == 0
    assert "no claims" in _texts(fig)
    assert len(link_plot.plot([], [], [], tmp_path)) == 2


def test_sections_are_columns_in_document_order(data: tuple[Rows, Rows, Rows]) -> None:
    claims = data[0]
    fig = link_plot.figure(*data)
    graph = fig.axes[0]
    headers = [t for t in graph.texts if t.get_fontweight() == "bold"]
    order = [t.get_text().replace("\n", " ").rsplit(" (", 1)[0] for t in headers]
    first: dict[str, int] = {}
    for c in sorted(claims, key=lambda c: c["start"]):
        first.setdefault(c["section"].replace("-", " "), c["start"])
    assert order == list(first)
    assert [t.get_position()[0] for t in headers] == sorted(t.get_position()[0] for t in headers)


def test_committed_figure_shows_the_current_data(data: tuple[Rows, Rows, Rows]) -> None:
    """Bytes vary across matplotlib releases, so the committed copy is checked for its size and
    the data stamp in its metadata only."""
    img = REPO / "docs" / "img"
    png = (img / f"{link_plot.STEM}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    size = (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big"))
    assert size == tuple(round(side * link_plot.DPI) for side in link_plot.SIZE_INCHES)
    svg = (img / f"{link_plot.STEM}.svg").read_text(encoding="utf-8")
    assert f"Data {link_plot.fingerprint(*data)}." in svg, (
        "docs/img/argument-graph.* is out of date with exports/: redraw it with "
        "iran_russia_claims.describe.link_plot.plot(claims, dyads, relations, 'docs/img', names)"
    )
