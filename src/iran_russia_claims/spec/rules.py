"""Every rule of a claims collection, each stated once: its name, what it demands, and its check.

A rule's check is one boolean narwhals expression, True where a row passes (null: the value is
missing, which the ``required`` rule reports). :mod:`~iran_russia_claims.spec.evaluate` runs
the expressions on Polars (data held in pandas or Arrow is handed to Polars) and, lazily, on
Spark or DuckDB; every engine of the package (the validator's single pass, the pandera schemas
for pandas, Polars and PySpark, the pydantic models' rules) evaluates these expressions and no
other copy of a rule's logic. The link tables' rules (``spec.link_rules``) are in the same
catalogue, :data:`RULES`. Rules of these scopes:

- ``row``: the expression over one row's columns;
- ``element``: the expression over each element of a list column (``nw.col(column)`` is one
  element, never null for a valid list); a row passes when every element does;
- ``table``: the expression needs the whole table (a window over a key, e.g. uniqueness);
- ``graph``: a function of the whole table states it, computed once per table (no two edges
  join the same claims; ``supports`` has no cycle: the link tables' rules only);
- ``read``, ``registry``, ``provenance``: rules checked by readers, the registry loader and the
  article checks, declared here so every problem carries a registered name; they have no
  expression.

What varies by collection (the id prefix, the source and actor registries) enters through a
:class:`Context`, never as a constant. ``requires`` names rules that must hold on a row before
this one is judged (a section cannot match the offsets of an unknown source), so one mistake
is one problem, in every engine. narwhals is imported on first use, not with this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.spec.link_rules import LINK_RULES, LINK_TABLES
from iran_russia_claims.spec.patterns import (
    CONTROL,
    FORMULA_START,
    HIDDEN,
    WHITESPACE,
    WHITESPACE_CHARS,
    full_match,
)
from iran_russia_claims.spec.rule import (
    Check,
    Constraint,
    Context,
    RegistryLike,
    Rule,
    Scope,
    SourceFacts,
    matches,
    one_of,
)

if TYPE_CHECKING:
    import narwhals as nw
else:
    from iran_russia_claims.spec.rule import nw
from iran_russia_claims.spec.vocab import (
    ACTOR_CODE_PATTERN,
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    HEDGE_MAX_CHARS,
    HEDGE_MAX_WORDS,
    SHA256_PATTERN,
    SLUG_PATTERN,
    Band,
    Kind,
    Theme,
    band_position,
    id_pattern,
)

__all__ = ["Check", "Constraint", "Context", "RegistryLike", "Rule", "Scope", "SourceFacts"]


# -- helpers the checks are written with ----------------------------------------------------------
def _untrimmed(e: nw.Expr) -> nw.Expr:
    """White space at either end: two one-character slices and a set lookup."""
    ws = list(WHITESPACE_CHARS)
    return e.str.head(1).is_in(ws) | e.str.tail(1).is_in(ws)


def _unique(*key: str) -> Check:
    def check(ctx: Context) -> nw.Expr:
        missing = nw.any_horizontal(*[nw.col(k).is_null() for k in key], ignore_nulls=True)
        return (nw.len().over(*key) == 1) | missing

    return check


def _hedge(ctx: Context) -> nw.Expr:
    """A short cue phrase: non-empty, trimmed, at most HEDGE_MAX_CHARS characters and
    HEDGE_MAX_WORDS words (split on white space, as Python's ``str.split``), no controls."""
    h = nw.col("hedges")
    n = h.str.len_chars()
    single = h.str.replace_all(f"{WHITESPACE}+", " ")  # each run of white space as one space
    gaps = single.str.len_chars() - single.str.replace_all(" ", "", literal=True).str.len_chars()
    return (
        (n > 0)
        & (n <= HEDGE_MAX_CHARS)
        & ~_untrimmed(h)
        & (gaps < HEDGE_MAX_WORDS)
        & ~h.str.contains(CONTROL)
    )


def _band_matches(ctx: Context) -> nw.Expr:
    """The band is the one whose range holds the confidence (``vocab.band_position``)."""
    given = nw.col("confidence_band").replace_strict(
        list(_BANDS), list(range(len(_BANDS))), default=None, return_dtype=nw.Int64()
    )
    expected: nw.Expr = band_position(nw.col("confidence"), lambda b: b.cast(nw.Int64()))
    return given == expected


def _registry(ctx: Context) -> tuple[tuple[SourceFacts, ...], tuple[str, ...]]:
    assert ctx.sources is not None, "a registry rule needs a registry"
    assert ctx.actors is not None, "a registry rule needs a registry"
    return ctx.sources, ctx.actors


def _source_registered(ctx: Context) -> nw.Expr:
    sources, _ = _registry(ctx)
    return nw.col("source_id").is_in([s.id for s in sources] or [""])


def _lookup(key: nw.Expr, table: dict[Any, int]) -> nw.Expr:
    """``table[key]`` per row (null for a key not in the table): one hash lookup, however
    many sources and sections the registry has."""
    if not table:
        return nw.lit(None, dtype=nw.Int64())
    return key.replace_strict(
        list(table), list(table.values()), default=None, return_dtype=nw.Int64()
    )


def _numbered(values: list[str]) -> dict[str, int]:
    return {v: i for i, v in enumerate(dict.fromkeys(values))}


def _end_within_source(ctx: Context) -> nw.Expr:
    sources, _ = _registry(ctx)
    length = _lookup(nw.col("source_id"), {s.id: s.length for s in sources})
    return nw.col("end") <= length  # an unknown source: source_registered's to report


def _section_matches(ctx: Context) -> nw.Expr:
    """The (source, section) pair is registered and its range holds ``start``."""
    sources, _ = _registry(ctx)
    source, section, start = nw.col("source_id"), nw.col("section"), nw.col("start")
    ids = _numbered([s.id for s in sources])
    slugs = _numbered([slug for s in sources for slug, _, _ in s.sections])
    # (source, section) as one whole number, looked up rather than compared section by section
    key = _lookup(source, ids) * len(slugs) + _lookup(section, slugs)
    ranges = [
        (ids[s.id] * len(slugs) + slugs[slug], lo, hi)
        for s in sources
        for slug, lo, hi in s.sections
    ]
    low = _lookup(key, {k: lo for k, lo, _ in ranges})
    high = _lookup(key, {k: hi for k, _, hi in ranges})
    known = ~low.is_null() | source.is_null() | section.is_null()
    return known & ((start >= low) & (start < high)).fill_null(True)


def _actor_registered(ctx: Context) -> nw.Expr:
    _, actors = _registry(ctx)
    return nw.col("actors").is_in(list(actors))


def _finite(column: str) -> Check:
    return lambda ctx: nw.col(column).is_finite()


SPAN_KEY: Final = ("source_id", "start", "end", "assertion")
_HIDDEN_HINT: Final = (
    "delete the character: it shows as nothing, or turns the text around it, so that two texts "
    "that read alike differ (reports show it by its code, such as \\u200b); the joiners "
    "U+200C and U+200D, which Persian and Arabic need, are allowed"
)
_BANDS: Final = tuple(b.value for b in Band)

_RULES: Final = (
    # -- read by the readers: the shape of the input
    Rule("readable", None, "the file exists, is readable, well-formed and of a supported format",
         scope="read"),
    Rule("required", None, "every column is present and no value is missing", scope="read"),
    Rule("no_extra_fields", None, "no column or field outside the schema", scope="read"),
    Rule("type", None,
         "each value has the column's type (string, integer, float, list of strings)",
         scope="read"),
    Rule("not_empty", None, "a claims file or table holds at least one claim", scope="read"),
    Rule("row_not_empty", None, "no row is empty (every one of its cells missing)",
         "spreadsheets often leave empty rows at the end of a CSV file", scope="read"),
    # -- one row
    Rule("id_pattern", "id",
         "id matches PREFIX-NNNN (the collection's id prefix, four digits, zero-padded; more "
         "digits past 9999)",
         check=lambda ctx: nw.col("id").str.contains(full_match(id_pattern(ctx.id_prefix)))),
    Rule("source_id_pattern", "source_id", "source_id is a lower-case slug",
         check=matches("source_id", SLUG_PATTERN), constraint="pattern"),
    Rule("section_pattern", "section", "section is a lower-case slug",
         check=matches("section", SLUG_PATTERN), constraint="pattern"),
    Rule("start_non_negative", "start", "start >= 0",
         check=lambda ctx: nw.col("start") >= 0, constraint="at_least"),
    Rule("offsets_ordered", "end", "start < end",
         check=lambda ctx: nw.col("start") < nw.col("end"), reads=("start", "end"),
         requires=("start_non_negative",)),
    Rule("sha256_pattern", "span_sha256", "span_sha256 is 64 lower-case hex digits",
         check=matches("span_sha256", SHA256_PATTERN), constraint="pattern"),
    Rule("theme_vocabulary", "theme", "theme is one of the themes",
         check=one_of("theme", tuple(Theme)), constraint="vocabulary"),
    Rule("kind_vocabulary", "kind", "kind is one of the kinds",
         check=one_of("kind", tuple(Kind)), constraint="vocabulary"),
    Rule("actors_non_empty", "actors", "actors lists at least one code",
         check=lambda ctx: nw.col("actors").list.len() > 0, constraint="non_empty"),
    Rule("actors_unique", "actors", "no actor code appears twice in one claim",
         check=lambda ctx: nw.col("actors").list.unique().list.len()
         == nw.col("actors").list.len()),
    Rule("actors_pattern", "actors",
         "actor codes are upper-case codes such as IRN or RUS_BUS", scope="element",
         check=matches("actors", ACTOR_CODE_PATTERN), constraint="pattern", null_passes=False),
    Rule("assertion_length", "assertion",
         f"assertion has {ASSERTION_MIN_CHARS} to {ASSERTION_MAX_CHARS} characters",
         check=lambda ctx: nw.col("assertion").str.len_chars().is_between(
             ASSERTION_MIN_CHARS, ASSERTION_MAX_CHARS),
         constraint="length"),
    Rule("assertion_trimmed", "assertion", "assertion has no leading or trailing white space",
         check=lambda ctx: ~_untrimmed(nw.col("assertion"))),
    Rule("assertion_no_control_chars", "assertion", "assertion has no control characters",
         check=lambda ctx: ~nw.col("assertion").str.contains(CONTROL)),
    Rule("assertion_no_hidden_chars", "assertion",
         "assertion has no bidirectional controls and no invisible characters",
         _HIDDEN_HINT, check=lambda ctx: ~nw.col("assertion").str.contains(HIDDEN)),
    Rule("assertion_no_formula", "assertion",
         "assertion does not start with = + - @, a tab or a carriage return",
         "a spreadsheet would run such a cell as a formula: reword the start",
         check=lambda ctx: ~nw.col("assertion").str.contains(FORMULA_START)),
    Rule("confidence_finite", "confidence", "confidence is a finite number",
         check=_finite("confidence"), null_passes=False, constraint="finite"),
    Rule("confidence_range", "confidence", f"confidence is in [{CONFIDENCE_MIN}, {CONFIDENCE_MAX}]",
         "ICD 203 has no expression for certainty",
         check=lambda ctx: nw.col("confidence").is_between(CONFIDENCE_MIN, CONFIDENCE_MAX),
         requires=("confidence_finite",), constraint="between"),
    Rule("band_vocabulary", "confidence_band", "confidence_band is one of the ICD 203 bands",
         check=one_of("confidence_band", _BANDS), constraint="vocabulary"),
    Rule("band_matches_confidence", "confidence_band",
         "confidence_band is the band whose range holds confidence",
         "ranges are open at the bottom and closed at the top (see the codebook); "
         "`iran-russia-claims fill` sets the band from the confidence",
         check=_band_matches, reads=("confidence", "confidence_band"),
         requires=("confidence_range", "band_vocabulary")),
    Rule("hedges_words", "hedges",
         f"each hedge is non-empty, trimmed, at most {HEDGE_MAX_WORDS} words and "
         f"{HEDGE_MAX_CHARS} characters, with no control characters", scope="element",
         check=_hedge, null_passes=False),
    Rule("hedges_no_hidden_chars", "hedges",
         "no hedge has bidirectional controls or invisible characters", _HIDDEN_HINT,
         scope="element", check=lambda ctx: ~nw.col("hedges").str.contains(HIDDEN)),
    # -- the whole table
    Rule("id_unique", "id", "no two claims share an id",
         "ids are never reused: take the next free one", scope="table", check=_unique("id")),
    Rule("span_unique", None, "no two claims share (source_id, start, end, assertion)",
         scope="table", check=_unique(*SPAN_KEY), reads=SPAN_KEY),
    # -- against the registries (run only with a registry)
    Rule("source_registered", "source_id", "source_id is a key of the source registry",
         check=_source_registered, requires=("source_id_pattern",), needs_registry=True),
    Rule("actors_registered", "actors", "every actor code is in the actor registry",
         "add the actor to the collection's actors.yaml, or use a registered code",
         scope="element",
         check=_actor_registered, requires=("actors_pattern",), null_passes=False,
         needs_registry=True),
    Rule("end_within_source", "end", "end <= the source's length in characters",
         check=_end_within_source, reads=("source_id", "end"),
         requires=("source_registered",), needs_registry=True),
    Rule("section_matches_offsets", "section",
         "section is the registry section that contains `start`",
         "`iran-russia-claims fill` sets section from the offsets",
         check=_section_matches, reads=("source_id", "section", "start"),
         requires=("source_registered", "section_pattern", "start_non_negative"),
         needs_registry=True),
    # -- the registry files themselves
    Rule("code_unique", "code", "no two actors share a code", scope="registry"),
    Rule("source_unique", None, "no two sources share an id", scope="registry"),
    Rule("iso3_required", "iso3", "states carry an ISO 3166-1 alpha-3 code; other actors none",
         scope="registry"),
    Rule("iso3_known", "iso3", "iso3 is an ISO 3166-1 alpha-3 code known to pycountry",
         scope="registry"),
    Rule("sections_tile", "sections",
         "a source's sections follow each other from 0 to its length", scope="registry"),
    Rule("filler_source_registered", None,
         "a filler entry's source_id is a key of the source registry",
         "every filler entry names its article: add source_id, or register the article with "
         "`iran-russia-claims add-source`", scope="registry"),
    # -- the collection's manifest (collection.yaml)
    Rule("manifest_value", None, "each field of collection.yaml has its documented form",
         "see docs/own-collection.md for every field", scope="registry"),
    Rule("id_prefix_pattern", "id_prefix",
         "the id prefix is 2 to 10 upper-case letters or digits, starting with a letter",
         scope="registry"),
    # -- provenance against the article
    Rule("span_hash_matches", "span_sha256", "span_sha256 is the SHA-256 of text[start:end]",
         "fix start/end, or let `iran-russia-claims fill` recompute the hash from the article",
         scope="provenance"),
    Rule("source_hash_matches", None, "the article file's SHA-256 equals the registry's",
         "check that you have the same version of the article, byte for byte",
         scope="provenance"),
    Rule("source_length_matches", None,
         "the article has as many characters as the registry says", scope="provenance"),
    Rule("anchored_in_sentence", "start",
         "a claim's start lies inside a sentence of the article", scope="provenance"),
    Rule("filler_is_sentence", None,
         "a filler entry's offsets are exactly those of one sentence", scope="provenance"),
    Rule("claimed_or_filler", None, "no sentence is both the anchor of a claim and filler",
         scope="provenance"),
    Rule("sentence_explained", None, "every sentence anchors a claim or is recorded as filler",
         "code its claim in the collection's claims.yaml, or record it in filler.yaml",
         scope="provenance"),
    Rule("article_text", None,
         "an article is UTF-8 text with LF line ends, no byte-order mark and no NUL, so that "
         "every tool counts the same offsets", scope="provenance"),
    Rule("source_new", None, "an article is registered once (by hash and by id)",
         scope="provenance"),
    Rule("quote_found", None, "a quotation to locate occurs exactly once in the article",
         "quote more (or fewer) words, or give --sentence N to search one sentence only",
         scope="provenance"),
)  # fmt: skip

#: Every rule by name: the claims' above, then the link tables' (``spec.link_rules``).
RULES: Final[dict[str, Rule]] = {rule.name: rule for rule in (*_RULES, *LINK_RULES)}
#: The claims' rules with a check, in the order they are declared.
CHECKED: Final = tuple(rule for rule in _RULES if rule.check is not None)


#: Columns where a missing value is a rule's to name (not ``required``'s): a schema that checks
#: missing values itself lets them be null.
NULL_CHECKED: Final = frozenset(
    str(r.column) for r in CHECKED if not r.null_passes and r.scope == "row"
)


def applicable(ctx: Context) -> tuple[Rule, ...]:
    """The claims' checked rules that apply in ``ctx`` (the registry rules only with a
    registry)."""
    return tuple(r for r in CHECKED if ctx.has_registry or not r.needs_registry)


def link_rules(table: str) -> tuple[Rule, ...]:
    """The rules of a link table (``claim_dyads``, ``claim_relations``, ``claim_coding``)."""
    if table not in LINK_TABLES:
        raise KeyError(f"{table!r} is not a link table; they are {', '.join(LINK_TABLES)}")
    return tuple(r for r in LINK_RULES if table in r.tables)


def prerequisites(rule: Rule) -> tuple[Rule, ...]:
    """Every rule that must hold before ``rule`` is judged, transitively."""
    seen: dict[str, Rule] = {}
    todo = list(rule.requires)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen[name] = RULES[name]
            todo.extend(RULES[name].requires)
    return tuple(seen.values())


def columns_read(rule: Rule) -> tuple[str, ...]:
    """Every column the rule's expression reads, its prerequisites' included."""
    return tuple(dict.fromkeys(c for r in (rule, *prerequisites(rule)) for c in r.inputs))


def passes(rule: Rule, ctx: Context) -> nw.Expr:
    """The rule's expression as every engine evaluates it: True where the row passes, where
    a prerequisite fails, or (for most rules) where a value it reads is missing."""
    assert rule.check is not None, f"{rule.name} has no expression"
    ok = rule.check(ctx)
    for before in prerequisites(rule):
        if before.check is not None and before.scope == rule.scope:
            ok = ok | ~before.check(ctx)
    return ok.fill_null(rule.null_passes)


def band_for(confidence: float) -> Band:
    """The ICD 203 band whose range holds ``confidence`` (for messages that name the band).

    Ranges are open at the bottom and closed at the top, so a boundary value belongs to the
    lower band (0.05 is almost no chance, 0.55 roughly even chance). Raises ``ValueError``
    outside [CONFIDENCE_MIN, CONFIDENCE_MAX] and for NaN.
    """
    if not (CONFIDENCE_MIN <= confidence <= CONFIDENCE_MAX):
        raise ValueError(
            f"confidence {confidence!r} is outside [{CONFIDENCE_MIN}, {CONFIDENCE_MAX}]"
        )
    position: int = band_position(confidence)
    return list(Band)[position]
