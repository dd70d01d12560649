"""The overview figure: claims per theme by actor, and the author's confidence by theme.

matplotlib is an optional extra (``pip install "iran-russia-claims[plot]"``) and is imported
only when a figure is drawn. Rendering is deterministic: a fixed font (DejaVu Sans, which ships
with matplotlib), size and dpi, a fixed SVG hash salt, text drawn as paths, and no timestamps or
software versions in the file metadata, so the same data and matplotlib give the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from iran_russia_claims.__about__ import __version__
from iran_russia_claims.publish.atomic import atomic_path
from iran_russia_claims.spec.vocab import Band, Theme

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: What the figure is labelled with when no collection is named: the shipped data.
DEFAULT_LABEL = f"iran-russia-claims {__version__}"

#: File name (without suffix) of the figure the README shows.
STEM = "claims-overview"
FORMATS = ("png", "svg")
SIZE_INCHES = (13.0, 5.8)
DPI = 150

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "svg.fonttype": "path",
    "svg.hashsalt": "iran-russia-claims",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "path.simplify": False,
}
#: Metadata that would otherwise carry a date or a version string into the files.
METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
}

#: One colour per band, lowest first: reds for doubt, greys for even odds, blues for confidence
#: (a ColorBrewer RdBu scale, readable in greyscale and by the common colour-vision deficiencies).
BAND_COLOURS = ("#b2182b", "#d6604d", "#f4a582", "#d9d9d9", "#92c5de", "#4393c3", "#2166ac")


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed: the ``plot`` extra was not requested."""


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise PlotUnavailable(
            'plotting needs matplotlib: pip install "iran-russia-claims[plot]"'
        ) from exc


def _label(value: str) -> str:
    return value.replace("_", " ")


def _counts(records: list[Mapping[str, Any]]) -> tuple[list[str], list[str], Any, Any]:
    """Themes, actors (most named first), the theme x actor and theme x band count matrices."""
    import numpy as np

    themes = [t.value for t in Theme]
    totals: dict[str, int] = {}
    for r in records:
        for code in r["actors"]:
            totals[code] = totals.get(code, 0) + 1
    actors = sorted(totals, key=lambda code: (-totals[code], code))
    by_actor = np.zeros((len(themes), len(actors)), dtype=int)
    by_band = np.zeros((len(themes), len(Band)), dtype=int)
    bands = [b.value for b in Band]
    for r in records:
        row = themes.index(r["theme"])
        for code in r["actors"]:
            by_actor[row, actors.index(code)] += 1
        by_band[row, bands.index(r["confidence_band"])] += 1
    return themes, actors, by_actor, by_band


def figure(
    records: Iterable[Mapping[str, Any]],
    actor_names: Mapping[str, str] | None = None,
    label: str = DEFAULT_LABEL,
) -> Figure:
    """Draw the overview: a theme x actor heat map beside stacked confidence bands per theme."""
    _require_matplotlib()
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from iran_russia_claims.describe.summary import band_ranges

    rows = list(records)
    themes, actors, by_actor, by_band = _counts(rows)
    sources = len({r["source_id"] for r in rows})
    articles = "one article" if sources == 1 else f"{sources} articles"
    per_theme = by_band.sum(axis=1)
    ranges = band_ranges()

    with mpl.rc_context(cast(Any, RC)):
        fig = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.05, 1.0]})

        # Left: how many claims of each theme name each actor.
        cmap = mpl.colormaps["Blues"]
        peak = max(int(by_actor.max()), 1)
        left.imshow(by_actor, cmap=cmap, vmin=0, vmax=peak, aspect="auto")
        for (i, j), n in _cells(by_actor):
            if n:
                dark = n / peak > 0.55
                left.text(
                    j,
                    i,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white" if dark else "#1a1a1a",
                )
        left.set_xticks(range(len(actors)), actors, rotation=35, ha="right", rotation_mode="anchor")
        left.set_yticks(
            range(len(themes)),
            [f"{_label(t)} ({n})" for t, n in zip(themes, per_theme, strict=True)],
        )
        left.set_xlabel("actor named in the claim (a claim may name several)")
        left.set_ylabel("theme (number of claims)")
        left.set_title("Claims per theme, by actor")
        left.tick_params(length=0)
        for spine in left.spines.values():
            spine.set_visible(False)
        left.set_xticks([x - 0.5 for x in range(1, len(actors))], minor=True)
        left.set_yticks([y - 0.5 for y in range(1, len(themes))], minor=True)
        left.grid(which="minor", color="white", linewidth=1.5)
        left.tick_params(which="minor", length=0)

        # Right: for each theme, how many claims fall in each confidence band.
        lefts = [0] * len(themes)
        for k, band in enumerate(Band):
            widths = by_band[:, k]
            right.barh(
                range(len(themes)),
                widths,
                left=lefts,
                height=0.7,
                color=BAND_COLOURS[k],
                edgecolor="white",
                linewidth=0.8,
                label=f"{_label(band.value)} {ranges[band.value]}",
            )
            for i, (x0, w) in enumerate(zip(lefts, widths, strict=True)):
                if w >= 2:
                    right.text(
                        x0 + w / 2,
                        i,
                        str(w),
                        ha="center",
                        va="center",
                        fontsize=8.5,
                        color="white" if k in (0, 5, 6) else "#1a1a1a",
                    )
            lefts = [a + int(b) for a, b in zip(lefts, widths, strict=True)]
        right.set_ylim(len(themes) - 0.5, -0.5)
        right.set_yticks(range(len(themes)), [""] * len(themes))
        right.tick_params(axis="y", length=0)
        right.set_xlim(0, max(max(lefts), 1) * 1.02)
        right.set_xlabel("number of claims")
        right.set_title("Author's confidence, by theme (ICD 203 band)")
        right.grid(axis="x", color="#e0e0e0", linewidth=0.8)
        right.set_axisbelow(True)
        for side in ("top", "right", "left"):
            right.spines[side].set_visible(False)
        fig.legend(
            *right.get_legend_handles_labels(),
            title="confidence band (range)",
            loc="outside right center",
            fontsize=8.5,
            title_fontsize=9,
            frameon=False,
        )

        fig.suptitle(
            f"{label}: {len(rows)} claims from {articles}. "
            "Confidence is the author's certainty, not ground truth.",
            fontsize=12,
        )
        if actor_names:
            named = [f"{code} = {actor_names[code]}" for code in actors if code in actor_names]
            fig.supxlabel(_fill(["Actors:", *named], width=140), fontsize=8.5, color="#333333")
    return fig


def _fill(items: list[str], width: int) -> str:
    """Join items with separators into lines of at most ``width``, never splitting an item."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += ("  " if lines[-1].endswith(":") else ";  ") + item
        else:
            lines.append(item)
    return "\n".join(lines)


def _cells(matrix: Any) -> list[tuple[tuple[int, int], int]]:
    return [
        ((i, j), int(matrix[i, j])) for i in range(matrix.shape[0]) for j in range(matrix.shape[1])
    ]


def fingerprint(records: Iterable[Mapping[str, Any]]) -> str:
    """A short hash of exactly what the figure shows (theme, actors, band of every claim).

    It is written into the files' metadata, so a test can tell whether the committed figure
    still shows the current data without comparing pixels, which differ across matplotlib
    releases; a reworded assertion does not call for a redraw.
    """
    lines = sorted(
        f"{r['id']}|{r['theme']}|{','.join(r['actors'])}|{r['confidence_band']}" for r in records
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def _metadata(fmt: str, stamp: str, label: str) -> dict[str, Any]:
    about = {
        "Title": f"{label}: overview of the claims",
        "Description": f"Claims per theme by actor, and confidence by theme. Data {stamp}.",
    }
    return {**METADATA[fmt], **about}


def save(
    fig: Figure, out_dir: str | Path, stamp: str, stem: str = STEM, label: str = DEFAULT_LABEL
) -> list[Path]:
    """Write ``fig`` as PNG and SVG with the pinned settings; returns the paths written."""
    import matplotlib as mpl

    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    with mpl.rc_context(cast(Any, RC)):
        for fmt in FORMATS:
            path = directory / f"{stem}.{fmt}"
            metadata = _metadata(fmt, stamp, label)
            with atomic_path(path) as stage:
                fig.savefig(stage, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
            paths.append(path)
    return paths


def plot(
    records: Iterable[Mapping[str, Any]],
    out_dir: str | Path,
    actor_names: Mapping[str, str] | None = None,
    label: str = DEFAULT_LABEL,
) -> list[Path]:
    """Draw the overview figure for ``records`` and write it to ``out_dir`` as PNG and SVG;
    ``label`` names the collection (its name and version)."""
    rows = list(records)
    return save(figure(rows, actor_names, label), out_dir, fingerprint(rows), label=label)
