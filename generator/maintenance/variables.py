"""What a template author can write: the variables the templates really get, and the filters.

The reference is not written by hand: a synthetic *complete* description is generated from the
schema (every field present, every list with at least one element, one element per value of
an enumeration where a list item has one, references that point to existing items, a real QPV
and its commune), and `generator.documents.context.build_context` runs on it. The resulting context is
the « shape » of what the templates see: `generator.maintenance.check` checks the templates
against it, and `cdv modeles variables` writes it as Markdown (`docs/variables.md`).

Which description fields feed which context values is found by perturbation: each field of
the synthetic description is changed in turn, the context is rebuilt, and the context paths
whose values change depend on that field. A context value that changes into exactly the new
value of the field is a copy of it and takes its French title from the schema.

Paths are tuples of keys; `[]` stands for « every element of a list », `*` for « every key of
a table keyed by codes » (values per QPV, communes per INSEE code).

This module holds the entry points; the work is done beside it: `variables_paths` (context
paths), `variables_schema` (the schema's fields), `variables_sample` (the synthetic description
and its context), `variables_dependencies` (the perturbation), `variables_entries` (the lines of
the reference), `variables_descriptions` and `variables_filters` (the French texts),
`variables_markdown` (`docs/variables.md`), `variables_followup` and `variables_revoyure` (its
sections on the follow-up's and the revoyure's documents, which get other contexts).
"""

from __future__ import annotations

from generator.maintenance.variables_dependencies import Dependencies, dependencies, diff_paths
from generator.maintenance.variables_descriptions import CALCULES, LAST_KEYS, NAMED_KEYS, describe
from generator.maintenance.variables_entries import ALIASES, Entry, canonical_paths, entries
from generator.maintenance.variables_filters import (
    FILTRES_DOC,
    FORBIDDEN_FILTERS,
    JINJA_FILTRES_DOC,
)
from generator.maintenance.variables_markdown import render_markdown
from generator.maintenance.variables_paths import (
    ANY_KEY,
    ITEM,
    CtxPath,
    is_map,
    norm_key,
    path_text,
)
from generator.maintenance.variables_sample import (
    CONVENTION_ONLY,
    SAMPLE_COMMUNE,
    SAMPLE_INSEE,
    SAMPLE_QPV,
    context_for,
    sample_context,
    synthetic_description,
)
from generator.maintenance.variables_schema import SchemaField, schema_fields

__all__ = [
    "ALIASES",
    "ANY_KEY",
    "CALCULES",
    "CONVENTION_ONLY",
    "FILTRES_DOC",
    "FORBIDDEN_FILTERS",
    "ITEM",
    "JINJA_FILTRES_DOC",
    "LAST_KEYS",
    "NAMED_KEYS",
    "SAMPLE_COMMUNE",
    "SAMPLE_INSEE",
    "SAMPLE_QPV",
    "CtxPath",
    "Dependencies",
    "Entry",
    "SchemaField",
    "canonical_paths",
    "context_for",
    "dependencies",
    "describe",
    "diff_paths",
    "entries",
    "is_map",
    "norm_key",
    "path_text",
    "render_markdown",
    "sample_context",
    "schema_fields",
    "synthetic_description",
]
