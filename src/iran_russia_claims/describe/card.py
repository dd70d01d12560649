"""The dataset card: README's generated sections and the Hugging Face-style card.

Everything a reader is told about columns, vocabularies, rules and counts is rendered here from
the same definitions the validators use (:mod:`vocab`, :mod:`publish.frame`, :mod:`rules`) and
from the exported files, so the documentation cannot drift from the data unnoticed: a test
re-renders every generated piece and fails, naming :data:`REGENERATE`, when a committed copy
differs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from statistics import median

from iran_russia_claims.describe.hub import card_yaml, loading
from iran_russia_claims.describe.snapshot import Snapshot
from iran_russia_claims.describe.summary import band_ranges, summarise
from iran_russia_claims.publish.frame import DTYPES
from iran_russia_claims.spec.manifest import Manifest
from iran_russia_claims.spec.rules import RULES, link_rules
from iran_russia_claims.spec.vocab import (
    CLAIM_COLUMNS,
    CODED_BY_DEFINITIONS,
    ID_PREFIX,
    KIND_DEFINITIONS,
    LINK_COLUMNS,
    QUAD_CLASS_DEFINITIONS,
    RELATION_DEFINITIONS,
    SCHEMA_VERSION,
    THEME_DEFINITIONS,
    Column,
    with_id_prefix,
)

#: The command that rewrites every generated file and README section.
REGENERATE = "iran-russia-claims metadata"

#: What the generated files credit besides the collection itself.
PACKAGE = "iran-russia-claims"


# -- the data dictionary: from the model only ----------------------------------------------------
def _cell(text: str) -> str:
    """Markdown-table-safe text: a pipe would end the cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _allowed(column: Column, id_prefix: str) -> str:
    if column.vocabulary:
        return ", ".join(f"`{v}`" for v in column.vocabulary)
    if column.pattern:
        return f"pattern `{_cell(with_id_prefix(column.pattern, id_prefix))}`"
    return ""


def _rules_of(column: str, table: str = "claims") -> str:
    return ", ".join(
        f"`{r.name}`" for r in RULES.values() if r.column == column and table in r.tables
    )


def columns_table(id_prefix: str = ID_PREFIX) -> str:
    """One row per claim column: type, pandas dtype, meaning, allowed values, rules."""
    lines = [
        "| column | type | pandas dtype | description | allowed values | rules |",
        "|---|---|---|---|---|---|",
    ]
    for c in CLAIM_COLUMNS:
        type_ = "list of string" if c.type == "list" else c.type
        lines.append(
            f"| `{c.name}` | {type_} | {DTYPES[c.name]} | {_cell(c.description)} | "
            f"{_allowed(c, id_prefix)} | {_rules_of(c.name)} |"
        )
    return "\n".join(lines)


def vocabulary_tables() -> str:
    """Themes and kinds with their definitions, and the bands with their ranges."""
    lines = ["| theme | the claim is mainly about |", "|---|---|"]
    lines += [f"| `{t.value}` | {_cell(d)} |" for t, d in THEME_DEFINITIONS.items()]
    lines += ["", "| kind | the claim |", "|---|---|"]
    lines += [f"| `{k.value}` | {_cell(d)} |" for k, d in KIND_DEFINITIONS.items()]
    lines += ["", "| confidence_band | confidence range |", "|---|---|"]
    lines += [f"| `{b}` | {r} |" for b, r in band_ranges().items()]
    return "\n".join(lines)


def rules_table() -> str:
    """Every named rule: the name a validation report prints, what it demands, and whether
    ``frictionless validate datapackage.json`` checks it too (``datapackage.STATED_RULES``)."""
    from iran_russia_claims.publish.datapackage import STATED_RULES

    lines = [
        "| rule | column | what it demands | also checked by `frictionless validate` |",
        "|---|---|---|---|",
    ]
    for r in RULES.values():
        column = f"`{r.column}`" if r.column else "-"
        frictionless = "yes" if r.name in STATED_RULES else "no: only `validate`"
        lines.append(f"| `{r.name}` | {column} | {_cell(r.description)} | {frictionless} |")
    return "\n".join(lines)


def link_tables(id_prefix: str = ID_PREFIX) -> str:
    """The link tables' columns (``spec.vocab.LINK_COLUMNS``) and their vocabularies."""
    from iran_russia_claims.publish.tables import table

    lines: list[str] = []
    for name, columns in LINK_COLUMNS.items():
        lines += [
            f"**`{name}`**: {_cell(table(name).description)} Key: "
            + ", ".join(f"`{k}`" for k in table(name).primary_key)
            + ".",
            "",
            "| column | type | description | allowed values | rules |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{c.name}` | {c.type} | {_cell(c.description)} | {_allowed(c, id_prefix)} | "
            f"{_rules_of(c.name, name)} |"
            for c in columns
        ]
        rest = [r.name for r in link_rules(name) if r.column is None]
        if rest:
            lines += ["", "Rules on the whole row or table: " + ", ".join(f"`{r}`" for r in rest)]
        lines.append("")
    for title, meaning, definitions in (
        ("quad_class", "the interaction", QUAD_CLASS_DEFINITIONS),
        ("relation", "`from_id` ... `to_id`", RELATION_DEFINITIONS),
        ("coded_by", "the record is", CODED_BY_DEFINITIONS),
    ):
        lines += [f"| {title} | {meaning} |", "|---|---|"]
        lines += [f"| `{k.value}` | {_cell(d)} |" for k, d in definitions.items()]
        lines.append("")
    return "\n".join(lines).rstrip()


def data_dictionary(id_prefix: str = ID_PREFIX) -> str:
    """The README's data dictionary: spec.vocab.CLAIM_COLUMNS, publish.frame.DTYPES and
    spec.rules.RULES."""
    return "\n".join(
        [
            f"Schema version {SCHEMA_VERSION}. One row per claim; columns in this order.",
            "",
            columns_table(id_prefix),
            "",
            vocabulary_tables(),
            "",
            "The link tables refer to the claims by id (see the codebook's sections on dyads "
            "and argument relations):",
            "",
            link_tables(id_prefix),
            "",
            "<details><summary>Every validation rule, by the name a report gives it</summary>",
            "",
            rules_table(),
            "",
            "</details>",
        ]
    )


def _share(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "-"


def at_a_glance(snap: Snapshot) -> str:
    """A few numbers about the data as exported: what a newcomer asks first."""
    claims = snap.claims
    total = len(claims)
    used = sorted({code for c in claims for code in c["actors"]})
    sections = {(s["id"], sec["slug"]) for s in snap.sources for sec in s["sections"]}
    hedged = sum(bool(c["hedges"]) for c in claims)
    conf = median(float(c["confidence"]) for c in claims) if claims else float("nan")
    rows = [
        ("claims", f"{total}"),
        ("sources (articles)", f"{len(snap.sources)}, in {len(sections)} sections"),
        ("actors named", f"{len(used)} of {len(snap.actors)} in the registry"),
        ("claims with a hedge", f"{hedged} ({_share(hedged, total)})"),
        ("median confidence", f"{conf:g}"),
        ("dataset version", f"{snap.manifest.version} (schema {SCHEMA_VERSION})"),
    ]
    lines = ["| at a glance | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


# -- README blocks ------------------------------------------------------------------------------
_NOTE = f"<!-- generated by `{REGENERATE}`: edit the code or the data, not this block -->"


#: The README's generated sections, by marker name.
BLOCKS = ("at-a-glance", "data-dictionary")


def readme_blocks(snap: Snapshot) -> dict[str, str]:
    """The README's generated sections, by marker name."""
    dictionary = data_dictionary(snap.manifest.id_prefix)
    blocks = {"at-a-glance": at_a_glance(snap), "data-dictionary": dictionary}
    assert tuple(blocks) == BLOCKS
    return blocks


def sync_blocks(text: str, blocks: Mapping[str, str]) -> str:
    """``text`` with every marked block replaced by its generated content.

    Raises ``ValueError`` when a block's markers are missing or repeated, so a deleted marker is
    noticed instead of silently leaving a stale section behind.
    """
    for name, content in blocks.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        pattern = re.compile(rf"{re.escape(start)}\n.*?{re.escape(end)}", re.DOTALL)
        found = list(pattern.finditer(text))
        if len(found) != 1:
            raise ValueError(f"README must hold exactly one '{start}' ... '{end}' pair")
        where = found[0]
        text = f"{text[: where.start()]}{start}\n{_NOTE}\n{content}\n{end}{text[where.end() :]}"
    return text


# -- the Hugging Face-style card ----------------------------------------------------------------
def _counts_table(title: str, counts: Mapping[str, int], total: int) -> list[str]:
    lines = [f"| {title} | claims | share |", "|---|---:|---:|"]
    lines += [f"| `{k}` | {v} | {_share(v, total)} |" for k, v in counts.items()]
    return lines


def card_markdown(snap: Snapshot) -> str:
    """The whole card: YAML front matter, then the prose a catalogue page shows."""
    summary = summarise(snap.claims)
    total = summary["claims"]
    manifest = snap.manifest
    source_lines = [
        f'- `{s["id"]}`: "{s["title"]}", author {s["author"]} (language {s["language"]}, '
        f"{s['length']} characters, SHA-256 `{s['sha256']}`)"
        for s in snap.sources
    ]
    names = {a["code"]: a["name"] for a in snap.actors}
    actor_rows = ["| actor | name | claims |", "|---|---|---:|"] + [
        f"| `{code}` | {names.get(code, '')} | {n} |" for code, n in summary["actors"].items()
    ]
    parts = [
        "---",
        card_yaml(snap).rstrip("\n"),
        "---",
        "",
        f"# {manifest.title}",
        "",
        f"<!-- generated by `{REGENERATE}` from the model and exports/; do not edit -->",
        "",
        manifest.description,
        "",
        f"Version {manifest.version}, schema {SCHEMA_VERSION}: {total} claims.",
        "",
        *_limitations(manifest),
        "## Source",
        "",
        *source_lines,
        "",
        "The article is not part of the dataset. Whoever holds a copy can check every record "
        "against it: `iran-russia-claims verify-source PATH` recomputes the hash of the file and "
        "of every span.",
        "",
        *loading(snap),
        "## Data fields",
        "",
        columns_table(manifest.id_prefix),
        "",
        vocabulary_tables(),
        "",
        "## Composition",
        "",
        *_counts_table("theme", summary["theme"], total),
        "",
        *_counts_table("kind", summary["kind"], total),
        "",
        *_counts_table("confidence_band", summary["confidence_band"], total),
        "",
        *actor_rows,
        "",
        "## Licence and citation",
        "",
        f"Data: {_licence(manifest)}. "
        "Cite with the CITATION.cff file of the repository, naming the version you used.",
        "",
    ]
    return "\n".join(parts)


def _limitations(manifest: Manifest) -> list[str]:
    if not manifest.limitations:
        return []
    return ["## What this data is not", "", *[f"- {item}" for item in manifest.limitations], ""]


def _licence(manifest: Manifest) -> str:
    url = manifest.license.url
    return f"{manifest.license.id} ({url})" if url else manifest.license.id


def render_card_files(snap: Snapshot) -> dict[str, bytes]:
    """The Hugging Face-style card and its header (:mod:`.hub`), by file name."""
    return {
        "dataset_card.md": card_markdown(snap).encode("utf-8"),
        "dataset_card.yaml": card_yaml(snap).encode("utf-8"),
    }
