"""The Hugging Face Hub: the card's YAML header and the layout of a Hub dataset repository.

The header has one config per published table (:func:`.publish.tables.tables`, the first one,
claims, the default), each reading ``data/<table>.parquet``, and one ``dataset_info`` entry per
config: its features, read from the table's fields (a vocabulary column is a ``ClassLabel``
whose ids follow the vocabulary's order, so the confidence bands' ids run lowest first; a list
is a list of strings; actor codes stay strings, since the registry, not the schema, holds
them and ids by registry position would shift when an actor is added), and the split's size as
``datasets`` records it. With all of that, ``datasets`` loads every config without a warning.

:func:`.metadata.hub_layout` is the repository itself: ``README.md`` (the card),
``CITATION.cff`` and ``data/<table>.parquet``, which ``iran-russia-claims metadata --hub DIR``
writes. Its Parquet
files hold the exports' rows and schema, except that vocabulary columns are plain text:
``datasets`` casts text to a ``ClassLabel`` but not the exports' dictionary columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.publish.tables import Table, TableField, tables

if TYPE_CHECKING:
    from iran_russia_claims.describe.snapshot import Snapshot

#: The folder of the Hub repository that holds the Parquet files.
DATA: Final = "data"
#: The one split of every config.
SPLIT: Final = "train"
#: ``datasets`` value types of the non-list, non-vocabulary fields.
_DTYPES: Final = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}


def data_file(table: Table) -> str:
    """Where a table's Parquet file sits in the Hub repository."""
    return f"{DATA}/{table.name}.parquet"


def feature(field: TableField) -> dict[str, Any]:
    """A field as a ``datasets`` feature, in the YAML form ``datasets`` itself writes."""
    if field.vocabulary is not None:
        names = {str(i): value for i, value in enumerate(field.vocabulary)}
        return {"name": field.name, "dtype": {"class_label": {"names": names}}}
    if field.type == "list":
        return {"name": field.name, "list": "string"}
    return {"name": field.name, "dtype": _DTYPES[field.type]}


def hub_parquet(snap: Snapshot) -> dict[str, bytes]:
    """Each table's Parquet file for the Hub, by table name: the exported file's rows, schema and
    metadata, written by the same writer, with vocabulary columns as plain text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from iran_russia_claims.publish.export import render_parquet
    from iran_russia_claims.publish.parquet import our_metadata

    files = {}
    for table in tables():
        data = pq.ParquetFile(pa.BufferReader(snap.parquet[table.name])).read()
        metadata = our_metadata(data.schema.metadata)
        files[table.name] = render_parquet(table, data, metadata, vocabularies_as_text=True)
    return files


def num_bytes(table: Table, parquet: bytes) -> int:
    """A split's ``num_bytes`` as ``datasets`` computes it: the size in memory
    (``pyarrow.Table.nbytes``) of the rows once cast to the card's features, which is the Parquet
    file as read, with each vocabulary column as its ``ClassLabel`` storage (int64 ids, built
    from Python ints as ``ClassLabel.cast_storage`` builds them), as its Arrow writer adds up
    each table it writes (``ArrowWriter.write_table``: ``pa_table.nbytes``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = pq.ParquetFile(pa.BufferReader(parquet)).read()
    for i, field in enumerate(table.fields):
        if field.vocabulary is not None:
            position = {value: n for n, value in enumerate(field.vocabulary)}
            ids = [None if v is None else position[v] for v in data.column(i).to_pylist()]
            data = data.set_column(i, pa.field(field.name, pa.int64()), pa.array(ids, pa.int64()))
    return int(data.nbytes)


def configs() -> list[dict[str, Any]]:
    """One config per table, the first (claims) the default, reading its Parquet file."""
    default = tables()[0].name
    return [
        {
            "config_name": t.name,
            **({"default": True} if t.name == default else {}),
            "data_files": [{"split": SPLIT, "path": data_file(t)}],
        }
        for t in tables()
    ]


def dataset_info(parquet: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """One ``dataset_info`` entry per config: features, and the split's size and row count
    read from the exported Parquet files (``parquet``, by table name); ``dataset_size`` is the
    split's ``num_bytes`` (the only split).

    No ``download_size``: it would be the Parquet files' size in bytes, which the installed
    pyarrow decides (its name and version are in every footer, and its writer and zstd change
    between releases), so the committed card would drift with pyarrow; ``datasets`` neither
    needs nor checks it. ``num_bytes`` is sizes in memory, which the data decides."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    infos = []
    for t in tables():
        data = parquet[t.name]
        size = num_bytes(t, data)
        rows = pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows
        infos.append(
            {
                "config_name": t.name,
                "features": [feature(f) for f in t.fields],
                "splits": [{"name": SPLIT, "num_bytes": size, "num_examples": rows}],
                "dataset_size": size,
            }
        )
    return infos


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return label
    return "n>100K"


def card_header(snap: Snapshot) -> dict[str, Any]:
    """The card's YAML metadata (Hugging Face dataset card fields), from the manifest, the table
    definitions and the exported Parquet files (the Hub's hold the same rows; its vocabulary
    columns as text become the same ``ClassLabel`` ids, so the sizes are the same)."""
    manifest = snap.manifest
    return {
        "pretty_name": manifest.title,
        "license": manifest.license.id.lower(),
        "language": sorted({manifest.language, *(s["language"] for s in snap.sources)}),
        "multilinguality": "monolingual",
        "size_categories": [_size_category(len(snap.claims))],
        "source_datasets": ["original"],
        "task_categories": ["text-classification"],
        "tags": [k.lower().replace(" ", "-") for k in manifest.keywords],
        "configs": configs(),
        "dataset_info": dataset_info(snap.parquet),
    }


def card_yaml(snap: Snapshot) -> str:
    """The card's YAML header on its own, for tools that read the metadata only."""
    import yaml

    header = card_header(snap)
    return str(yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=100))


def loading(snap: Snapshot) -> list[str]:
    """The card's section on the configs and how to load them."""
    repo = f"OWNER/{snap.manifest.name}"
    lines = [
        "## Loading",
        "",
        "One config per table, each a single `train` split:",
        "",
        "| config | file | what it holds |",
        "|---|---|---|",
    ]
    default = tables()[0].name
    for t in tables():
        name = f"`{t.name}` (default)" if t.name == default else f"`{t.name}`"
        what = t.description.replace("|", "\\|")  # a pipe would end the cell
        lines.append(f"| {name} | `{data_file(t)}` | {what} |")
    lines += [
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'claims = load_dataset("{repo}", split="{SPLIT}")  # the default config',
        f'actors = load_dataset("{repo}", "actors", split="{SPLIT}")',
        'claims.features["theme"].int2str(claims[0]["theme"])  # a vocabulary is a ClassLabel',
        "```",
        "",
        f"where `{repo}` is the id this repository has on the Hub (or the path of a local "
        "copy). The Parquet files in "
        f"`{DATA}/` read as they are with pandas, Polars or DuckDB; with the Python package "
        'installed, `iran_russia_claims.load("actors")` gives any table.',
        "",
    ]
    return lines
