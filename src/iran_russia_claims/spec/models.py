"""Record-level validation with pydantic: one claim, one actor, one source.

Models are strict (no coercion of types, no extra fields). Rules that need the registries (is
this actor known, does the span lie in the source, which section holds it) run when a
:class:`Registry` is passed as validation context, e.g.
``Claim.model_validate(record, context=registry)``; the registry also carries the collection's
id prefix (a bare prefix such as ``"ABC"`` may be passed as the context instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from iran_russia_claims.spec import rules
from iran_russia_claims.spec.manifest import DATE_PATTERN, date_as_text, real_date
from iran_russia_claims.spec.messages import FIELD_MESSAGES
from iran_russia_claims.spec.vocab import (
    ACTOR_CODE_PATTERN,
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    CLAIM_COLUMNS,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    ID_PREFIX,
    ISO3_PATTERN,
    LANGUAGE_PATTERN,
    SHA256_PATTERN,
    SLUG_PATTERN,
    WIKIDATA_PATTERN,
    ActorKind,
    Band,
    FillerReason,
    Kind,
    Theme,
    id_pattern,
)

_DOC = {c.name: c.description for c in CLAIM_COLUMNS}

ActorCode = Annotated[str, Field(pattern=ACTOR_CODE_PATTERN)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]


def _fail(rule: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(rule, message)


def _int64(value: int) -> int:
    """A whole number every engine can hold: a column of whole numbers is 64-bit."""
    if not -(2**63) <= value < 2**63:
        raise _fail("type", "the number is too large for a 64-bit integer")
    return value


#: A whole number of a claims table is 64-bit, as every engine holds it.
_IN_64_BITS: Final = AfterValidator(_int64)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Actor(_Strict):
    """An entry of the actor registry."""

    code: ActorCode
    name: Annotated[str, Field(min_length=2, max_length=80)]
    kind: Annotated[ActorKind, Field(strict=False)]
    iso3: Annotated[str | None, Field(pattern=ISO3_PATTERN)] = None
    wikidata: Annotated[str | None, Field(pattern=WIKIDATA_PATTERN)] = None
    cameo: Annotated[str | None, Field(pattern=r"^[A-Z]{3}$")] = None

    @model_validator(mode="after")
    def _iso3_for_states(self) -> Actor:
        if self.kind is ActorKind.STATE:
            if self.iso3 is None:
                raise _fail("iso3_required", "a state needs its ISO 3166-1 alpha-3 code (iso3)")
            import pycountry  # lazy: only registry validation needs it

            if pycountry.countries.get(alpha_3=self.iso3) is None:
                raise _fail("iso3_known", f"{self.iso3!r} is not an ISO 3166-1 alpha-3 code")
        elif self.iso3 is not None:
            raise _fail("iso3_required", "only states carry an iso3 code")
        return self


class Section(_Strict):
    """A section of a source: a slug and the [start, end) offsets it covers."""

    slug: Slug
    title: Annotated[str, Field(min_length=1, max_length=60)]
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(gt=0)]

    @model_validator(mode="after")
    def _ordered(self) -> Section:
        if self.start >= self.end:
            raise _fail("offsets_ordered", "section start must be before its end")
        return self


class Source(_Strict):
    """An entry of the source registry: facts about one article, never its sentences."""

    id: Slug
    title: Annotated[str, Field(min_length=1, max_length=200)]
    author: Annotated[str, Field(min_length=1, max_length=120)]
    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN)]
    filename: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+$")]
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]
    length: Annotated[int, Field(gt=0)]
    #: The day the article was published (YYYY-MM-DD), if it says.
    published: Annotated[str | None, Field(pattern=DATE_PATTERN)] = None
    sections: Annotated[list[Section], Field(min_length=1)]

    _published_text = field_validator("published", mode="before")(date_as_text)

    @field_validator("published")
    @classmethod
    def _published_is_a_day(cls, value: str | None) -> str | None:
        return value if value is None else real_date(value)

    @model_validator(mode="after")
    def _sections_tile_the_text(self) -> Source:
        cursor = 0
        for section in self.sections:
            if section.start != cursor:
                raise _fail(
                    "sections_tile",
                    f"section {section.slug!r} starts at {section.start}, expected {cursor}: "
                    "sections must follow each other with no gap or overlap",
                )
            cursor = section.end
        if cursor != self.length:
            raise _fail("sections_tile", f"sections end at {cursor}, the source at {self.length}")
        slugs = [s.slug for s in self.sections]
        if len(set(slugs)) != len(slugs):
            raise _fail("sections_tile", "section slugs must be unique")
        return self

    def section_at(self, offset: int) -> Section | None:
        """The section whose [start, end) holds ``offset``."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None


@dataclass(frozen=True)
class Registry:
    """The actor and source registries, against which claims are checked."""

    actors: dict[str, Actor]
    sources: dict[str, Source]
    #: The collection's id prefix (``id_prefix`` of its manifest): claim ids are PREFIX-0001.
    id_prefix: str = ID_PREFIX


def _rules_stated_here() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...]]:
    """The rules the Claim model evaluates itself, those pydantic does not state as a field
    constraint: per field, those that read that field alone; those across fields; and those
    against the registries."""
    own = [r for r in rules.CHECKED if r.constraint is None and r.scope != "table"]
    fields: dict[str, tuple[str, ...]] = {}
    across, registry = [], []
    for rule in own:
        read = rules.columns_read(rule)
        if rule.needs_registry:
            registry.append(rule.name)
        elif len(read) == 1:
            fields[read[0]] = (*fields.get(read[0], ()), rule.name)
        else:
            across.append(rule.name)
    return fields, tuple(across), tuple(registry)


_FIELD_RULES, _RECORD_RULES, _REGISTRY_RULES = _rules_stated_here()
#: The field constraints whose pydantic error is worded by ``messages.message`` (the fix, not
#: the constraint): column -> rule.
_WORDED: dict[str, str] = {str(rules.RULES[name].column): name for name in FIELD_MESSAGES}


def _id_prefix(context: Any) -> str:
    """The collection's id prefix from the validation context: a :class:`Registry` (its
    ``id_prefix``) or the prefix itself; the shipped collection's without one."""
    if isinstance(context, Registry):
        return context.id_prefix
    return context if isinstance(context, str) else ID_PREFIX


class Claim(_Strict):
    """One atomic claim of an article, with its provenance."""

    # Field constraints (patterns, vocabularies, bounds) come from ``vocab``; every other rule
    # (cross-field, list elements, the registries) is the expression of ``rules``, evaluated
    # on the record by ``evaluate.record_failures``. (The docstring is the JSON Schema's.)

    # The id's pattern depends on the collection's prefix (the validation context), so it is
    # the id_pattern rule's expression; the JSON Schema states the shipped collection's.
    id: Annotated[
        str, Field(description=_DOC["id"], json_schema_extra={"pattern": id_pattern(ID_PREFIX)})
    ]
    source_id: Annotated[str, Field(pattern=SLUG_PATTERN, description=_DOC["source_id"])]
    section: Annotated[str, Field(pattern=SLUG_PATTERN, description=_DOC["section"])]
    start: Annotated[int, Field(ge=0, description=_DOC["start"]), _IN_64_BITS]
    end: Annotated[int, Field(gt=0, description=_DOC["end"]), _IN_64_BITS]
    span_sha256: Annotated[str, Field(pattern=SHA256_PATTERN, description=_DOC["span_sha256"])]
    theme: Annotated[Theme, Field(strict=False, description=_DOC["theme"])]
    actors: Annotated[list[ActorCode], Field(min_length=1, description=_DOC["actors"])]
    kind: Annotated[Kind, Field(strict=False, description=_DOC["kind"])]
    assertion: Annotated[
        str,
        Field(
            min_length=ASSERTION_MIN_CHARS,
            max_length=ASSERTION_MAX_CHARS,
            description=_DOC["assertion"],
        ),
    ]
    confidence: Annotated[
        float,
        Field(
            ge=CONFIDENCE_MIN,
            le=CONFIDENCE_MAX,
            allow_inf_nan=False,
            description=_DOC["confidence"],
        ),
    ]
    confidence_band: Annotated[Band, Field(strict=False, description=_DOC["confidence_band"])]
    hedges: Annotated[list[str], Field(description=_DOC["hedges"])]

    @model_validator(mode="before")
    @classmethod
    def _not_empty(cls, data: Any) -> Any:
        """An empty record (every field missing) is one problem, not one per field."""
        if isinstance(data, Mapping) and all(value is None for value in data.values()):
            raise _fail("row_not_empty", "the record is empty (every field is missing): delete it")
        return data

    @field_validator(*_WORDED, mode="wrap")
    @classmethod
    def _worded(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        """A field constraint's error in the words of ``messages.message``: what is wrong with
        the value and what to write instead. Other errors of the field pass unchanged."""
        try:
            return handler(value)
        except ValidationError as exc:
            from iran_russia_claims.spec.messages import message

            column = str(info.field_name)
            rule = _WORDED[column]
            errors = exc.errors(include_url=False)
            if not errors or any(
                rule_of({**e, "loc": (column, *e["loc"])}) != rule for e in errors
            ):
                raise
            raise _fail(rule, message(rule, {column: value}, info.context)) from None

    @field_validator(*_FIELD_RULES)
    @classmethod
    def _field_rules(cls, value: Any, info: ValidationInfo) -> Any:
        """The rules on this field alone, run even when another field is wrong."""
        from iran_russia_claims.spec.evaluate import record_failures
        from iran_russia_claims.spec.messages import message

        column = str(info.field_name)
        record = {column: value}
        ctx = rules.Context.of(None, _id_prefix(info.context))
        for name in record_failures(record, ctx, _FIELD_RULES[column]):
            raise _fail(name, message(name, record, ctx.id_prefix))
        return value

    @model_validator(mode="after")
    def _record_rules(self, info: ValidationInfo) -> Claim:
        """The rules across fields and against the registries (given as the context)."""
        from iran_russia_claims.spec.evaluate import record_failures
        from iran_russia_claims.spec.messages import message

        registry = info.context if isinstance(info.context, Registry) else None
        ctx = rules.Context.of(registry, _id_prefix(info.context))
        record = self.model_dump(mode="json")
        names = _RECORD_RULES + (_REGISTRY_RULES if registry is not None else ())
        for name in record_failures(record, ctx, names):
            raise _fail(name, message(name, record, registry))
        return self


class Filler(_Strict):
    """A sentence of the source that carries no claim, and why: the coverage report's ledger."""

    source_id: Annotated[str, Field(pattern=SLUG_PATTERN)]
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(gt=0)]
    span_sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]
    reason: Annotated[FillerReason, Field(strict=False)]
    note: Annotated[str, Field(min_length=3, max_length=200)]


#: pydantic's error types for each kind of field constraint a rule is stated as.
_CONSTRAINT_ERRORS: dict[str, tuple[str, ...]] = {
    "pattern": ("string_pattern_mismatch",),
    "vocabulary": ("enum", "literal_error"),
    "at_least": ("greater_than_equal",),
    "between": ("greater_than_equal", "less_than_equal"),
    "length": ("string_too_short", "string_too_long"),
    "non_empty": ("too_short",),
    "finite": ("finite_number",),
}
#: (column, pydantic error type) -> rule, derived from the rules' declared constraints.
_BUILTIN_RULES: dict[tuple[str, str], str] = {
    (rule.column, kind): rule.name
    for rule in rules.RULES.values()
    if rule.constraint is not None and rule.column is not None
    for kind in _CONSTRAINT_ERRORS[rule.constraint]
}
# pydantic states ``end > 0`` (which follows from ``start >= 0`` and ``start < end``) for the
# JSON Schema; a record that breaks it breaks offsets_ordered.
_BUILTIN_RULES[("end", "greater_than")] = "offsets_ordered"


def rule_of(error: Any) -> str:
    """The shared rule name for one entry of ``ValidationError.errors()``."""
    kind = str(error["type"])
    if kind in rules.RULES:
        return kind
    column = str(error["loc"][0]) if error["loc"] else ""
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "no_extra_fields"
    return _BUILTIN_RULES.get((column, kind), "type")


def errors_to_rules(exc: ValidationError) -> list[tuple[str, str, str]]:
    """(rule, column, message) for each error pydantic found, leaving out a rule whose
    prerequisite broke on the same record (as every engine does: one mistake, one problem)."""
    found = []
    for error in exc.errors(include_url=False):
        column = str(error["loc"][0]) if error["loc"] else ""
        if not column and str(error["type"]) in rules.RULES:  # a rule across fields
            column = rules.RULES[str(error["type"])].column or ""
        found.append((rule_of(error), column, str(error["msg"])))
    broken = {rule for rule, _, _ in found}
    return [
        entry
        for entry in found
        if entry[0] not in rules.RULES
        or not any(p.name in broken for p in rules.prerequisites(rules.RULES[entry[0]]))
    ]
