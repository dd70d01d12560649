"""The overview figure: deterministic bytes, offline, readable (no clipped or colliding labels)."""

from __future__ import annotations

import socket
import struct
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from iran_russia_claims import actors, load
from iran_russia_claims.cli import main

pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")

from iran_russia_claims.describe import plot

IMG = REPO / "docs" / "img"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a connection while drawing."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the plot tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return load(as_frame=False)


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return {a.code: a.name for a in actors()}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_rendering_twice_gives_identical_bytes_offline(
    tmp_path: Path, records: list[dict[str, Any]], names: dict[str, str], no_network: None
) -> None:
    first = plot.plot(records, tmp_path / "a", names)
    second = plot.plot(records, tmp_path / "b", names)
    assert [p.name for p in first] == ["claims-overview.png", "claims-overview.svg"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two renders"


def test_files_carry_no_date_or_software_version(
    tmp_path: Path, records: list[dict[str, Any]], names: dict[str, str]
) -> None:
    png, svg = plot.plot(records, tmp_path, names)
    assert b"Software" not in png.read_bytes()
    text = svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in text
    assert "Matplotlib v" not in text


def test_committed_figure_exists_with_the_pinned_size() -> None:
    """Bytes vary across matplotlib releases, so the committed copy is checked for shape only;
    `iran-russia-claims plot --out docs/img` redraws it."""
    width, height = png_size(IMG / f"{plot.STEM}.png")
    assert (width, height) == (
        round(plot.SIZE_INCHES[0] * plot.DPI),
        round(plot.SIZE_INCHES[1] * plot.DPI),
    )
    svg = (IMG / f"{plot.STEM}.svg").read_text(encoding="utf-8")
    assert f'width="{plot.SIZE_INCHES[0] * 72:g}pt"' in svg


def test_committed_figure_shows_the_current_data(records: list[dict[str, Any]]) -> None:
    svg = (IMG / f"{plot.STEM}.svg").read_text(encoding="utf-8")
    assert f"Data {plot.fingerprint(records)}." in svg, (
        "docs/img is out of date with the data: run `iran-russia-claims plot --out docs/img`"
    )


def test_fingerprint_follows_what_the_figure_shows(records: list[dict[str, Any]]) -> None:
    changed = [dict(r) for r in records]
    changed[0]["assertion"] += " (reworded)"
    assert plot.fingerprint(changed) == plot.fingerprint(records)
    changed[0]["theme"] = "energy" if records[0]["theme"] != "energy" else "nuclear"
    assert plot.fingerprint(changed) != plot.fingerprint(records)


def _boxes(texts: list[Any], renderer: Any) -> list[tuple[str, Any]]:
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text().strip()]


def _assert_apart(group: str, ticks: list[Any], renderer: Any, dpi: float) -> None:
    """No two tick labels touch. Upright labels: their boxes are disjoint. Labels rotated by the
    same angle are parallel strips; they are apart when the gap between neighbouring anchors,
    measured across the strips, exceeds a line of text (axis-aligned boxes of slanted text
    overlap even when the glyphs do not)."""
    import math

    boxes = [t.get_window_extent(renderer) for t in ticks]
    angles = {round(t.get_rotation(), 3) for t in ticks}
    assert len(angles) <= 1, f"{group}: mixed rotations"
    angle = angles.pop() if angles else 0.0
    for i in range(len(ticks) - 1):
        a, b = ticks[i].get_text(), ticks[i + 1].get_text()
        if angle % 180 == 0:
            for j in range(i + 1, len(ticks)):
                assert not boxes[i].overlaps(boxes[j]), (
                    f"{group}: {a!r} overlaps {ticks[j].get_text()!r}"
                )
            continue
        line = ticks[i].get_fontsize() * dpi / 72 * 1.2
        gap = abs(boxes[i + 1].x1 - boxes[i].x1) * abs(math.sin(math.radians(angle)))
        assert gap > line, f"{group}: {a!r} and {b!r} are {gap:.0f}px apart, need {line:.0f}px"


def test_no_label_is_clipped_or_overlaps_another(
    records: list[dict[str, Any]], names: dict[str, str]
) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    fig = plot.figure(records, names)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    page = fig.bbox

    for label, box in _boxes([t for t in fig.findobj(Text) if t.get_visible()], renderer):
        inside = page.x0 - 1 <= box.x0 <= box.x1 <= page.x1 + 1
        assert inside, f"{label!r} runs off the page sideways"
        inside = page.y0 - 1 <= box.y0 <= box.y1 <= page.y1 + 1
        assert inside, f"{label!r} runs off the top or bottom of the page"

    heat, bars = fig.axes[:2]
    groups = {
        "actor ticks": heat.get_xticklabels(),
        "theme ticks": heat.get_yticklabels(),
        "count ticks": bars.get_xticklabels(),
    }
    for group, ticks in groups.items():
        _assert_apart(group, [t for t in ticks if t.get_text().strip()], renderer, fig.dpi)

    legend = fig.legends[0].get_window_extent(renderer)
    for ax in (heat, bars):
        assert not legend.overlaps(ax.get_window_extent(renderer)), "the legend covers a panel"
    titles = [heat.title.get_window_extent(renderer), bars.title.get_window_extent(renderer)]
    assert not titles[0].overlaps(titles[1])


def test_axes_are_labelled_and_counts_add_up(
    records: list[dict[str, Any]], names: dict[str, str]
) -> None:
    fig = plot.figure(records, names)
    heat, bars = fig.axes[:2]
    for ax in (heat, bars):
        assert ax.get_xlabel()
        assert ax.get_title()
    assert heat.get_ylabel()
    matrix = heat.images[0].get_array()
    assert int(matrix.sum()) == sum(len(r["actors"]) for r in records)
    segments = sum(patch.get_width() for patch in bars.patches)
    assert segments == len(records)


def test_cli_plot_writes_both_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Both figures, the overview and (the shipped data codes its dyads and relations) the
    argument graph, in both formats."""
    assert main(["plot", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "argument-graph.png",
        "argument-graph.svg",
        "claims-overview.png",
        "claims-overview.svg",
    ]
    out = capsys.readouterr().out
    assert "claims-overview.png" in out
    assert "argument-graph.png" in out


def test_without_matplotlib_the_command_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    assert main(["plot", "--out", str(tmp_path)]) == 2
    assert "iran-russia-claims[plot]" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
