"""Semantic diff of two descriptions: what changed, in the schema's words, with French values.

Pure functions over the merged data trees (`Description.data`). List items are matched by
their identity, not by their place: reordering a list is not a change, and an item whose
identity appears or disappears is named as added or removed. Identities:

- an identifier: `id` (signataires, orientations, priorités transversales, investissements),
  `code` (territoire.qpv), `insee` (communes), `qpv` (projets de quartier, patrimoine TFPB),
  `signataire` (engagements), `bailleur` (conventions TFPB), `annee` (yearly amounts);
- operations of the ledger (format 2) by `id`, their funders by (financeur, dispositif) — a
  funder whose form changes (subvention → valorisation) is one change of its « forme » —, their
  years by `annee`, shares by `qpv`, quantities by `unite`;
- financing lines by (année, financeur, dispositif, programme, nature, orientation, QPV), TFPB
  actions by (axe, libellé), other lists by their name or label; two items with the same
  identity are told apart by their order of appearance;
- lists of texts by the text itself; a text edited in place (same place, similar words) reads
  as a modification, word by word.

Each change is a `Change` (path, French labels, kind, old and new values formatted the French
way, delta for numbers); `totals` sums what reviewers look at first (financing by year, by
funder, by nature, loans, investment and quantities per unit, from the ledger; TFPB) and `compare` lists the totals that moved.

The list identities are in `matching`, the French wording of labels and values in `wording`;
reading the two sides (a folder, a file) is in `sides`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.compare.matching import (
    DEFAULT_SPEC,
    SPECS,
    ListSpec,
    _canonical,
    _hashable,
    _id,
    _keyed,
)
from generator.compare.report_text import compact, render_ops
from generator.compare.text_diff import (
    ADDED,
    CHANGED,
    EQUAL,
    REMOVED,
    similarity,
    word_ops,
)
from generator.compare.totals import totals
from generator.compare.wording import (
    EMPTY,
    KIND_WORDS,
    Names,
    _delta,
    _field_label,
    _key_order,
    _node,
    _number,
    _short,
    _summary,
    format_value,
)
from generator.documents import formatting

LONG_TEXT = 100  # above this many characters (or on several lines), a text diff is word by word


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Change:
    """One change between two descriptions."""

    path: tuple[str, ...]
    labels: tuple[str, ...]
    kind: str  # ADDED, REMOVED, CHANGED
    old: str = ""
    new: str = ""
    delta: str = ""
    old_value: Any = None
    new_value: Any = None
    ops: tuple[tuple[str, str], ...] = ()  # word by word, for long texts

    @property
    def label_text(self) -> str:
        return " › ".join(self.labels)

    def format(self, color: bool = False) -> str:
        if self.kind == CHANGED:
            if self.ops:
                return f"{self.label_text} : {render_ops(compact(list(self.ops)), color)}"
            delta = f" ({self.delta})" if self.delta else ""
            return f"{self.label_text} : {self.old or EMPTY} → {self.new or EMPTY}{delta}"
        value = self.new if self.kind == ADDED else self.old
        return f"{self.label_text} : {KIND_WORDS[self.kind]}" + (f" ({value})" if value else "")


@dataclass(frozen=True)
class TotalChange:
    label: str
    old: str
    new: str
    delta: str
    old_value: Decimal
    new_value: Decimal

    def format(self) -> str:
        return f"{self.label} : {self.old} → {self.new} ({self.delta})"


@dataclass
class Comparison:
    changes: list[Change] = field(default_factory=list)
    totals: list[TotalChange] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.changes

    def lines(self, color: bool = False) -> list[str]:
        return [c.format(color) for c in self.changes]


# --------------------------------------------------------------------------- comparison


class _Differ:
    def __init__(self, names: Names):
        self.names = names
        self.changes: list[Change] = []

    def add(self, kind, path, labels, pattern, old=None, new=None) -> None:
        if kind == CHANGED:
            old_text = format_value(old, pattern, self.names)
            new_text = format_value(new, pattern, self.names)
            ops: tuple = ()
            if (
                isinstance(old, str)
                and isinstance(new, str)
                and old_text.startswith("«")
                and (len(old) > LONG_TEXT or len(new) > LONG_TEXT or "\n" in old + new)
            ):
                ops = tuple(word_ops(old.strip(), new.strip()))
            self.changes.append(
                Change(
                    tuple(path),
                    tuple(labels),
                    CHANGED,
                    old_text,
                    new_text,
                    _delta(old, new, pattern),
                    old,
                    new,
                    ops,
                )
            )
            return
        value = new if kind == ADDED else old
        shown = _summary(value, pattern, self.names) if isinstance(value, dict) else ""
        self.changes.append(
            Change(
                tuple(path),
                tuple(labels),
                kind,
                shown if kind == REMOVED else "",
                shown if kind == ADDED else "",
                "",
                old,
                new,
            )
        )

    def value(self, old, new, path, labels, pattern) -> None:
        if old == new and type(old) is type(new):
            return
        if isinstance(old, dict) and isinstance(new, dict):
            for key in _key_order(pattern, set(old) | set(new)):
                sub = pattern + (key,)
                label = _field_label(sub, key)
                self.value(old.get(key), new.get(key), path + (key,), labels + (label,), sub)
            return
        if isinstance(old, list) and isinstance(new, list):
            self.items(old, new, path, labels, pattern)
            return
        if old is None and isinstance(new, list):
            self.items([], new, path, labels, pattern)
            return
        if new is None and isinstance(old, list):
            self.items(old, [], path, labels, pattern)
            return
        if old is None and isinstance(new, dict):
            self.value({}, new, path, labels, pattern)
            return
        if new is None and isinstance(old, dict):
            self.value(old, {}, path, labels, pattern)
            return
        if _number(old) is not None and _number(new) is not None and _number(old) == _number(new):
            return  # 1 and 1.0
        self.add(CHANGED, path, labels, pattern, old, new)

    def items(self, old: list, new: list, path, labels, pattern) -> None:
        item_pattern = pattern + ("*",)
        if not any(isinstance(v, dict) for v in old + new):
            self.scalars(old, new, path, labels, item_pattern)
            return
        spec = SPECS.get(pattern, DEFAULT_SPEC)
        old_keyed, new_keyed = _keyed(old, spec), _keyed(new, spec)
        old_map, new_map = dict(old_keyed), dict(new_keyed)
        partner = {k: k for k in new_map if k in old_map}  # new identity -> old identity
        removed = [k for k, _ in old_keyed if k not in new_map]
        added = [k for k, _ in new_keyed if k not in old_map]
        if not spec.strict:  # a renamed item: same place in the tree, similar content
            for key in added:
                best, best_sim = None, 0.5
                for candidate in removed:
                    sim = similarity(
                        _canonical(old_map[candidate]), _canonical(new_map[key]), best_sim
                    )
                    if sim > best_sim:
                        best, best_sim = candidate, sim
                if best is not None:
                    partner[key] = best
                    removed.remove(best)
        label_of = self._labels(spec, new_keyed, [(k, old_map[k]) for k in removed])
        for key, item in new_keyed:
            where, named = path + (_id(key),), labels + (label_of[key],)
            if key in partner:
                self._item(old_map[partner[key]], item, where, named, item_pattern, spec)
            else:
                self.add(ADDED, where, named, item_pattern, new=item)
        for key in removed:
            self.add(
                REMOVED,
                path + (_id(key),),
                labels + (label_of[key],),
                item_pattern,
                old=old_map[key],
            )

    def _item(self, old, new, path, labels, pattern, spec: ListSpec) -> None:
        keys = set(old) | set(new) if isinstance(old, dict) and isinstance(new, dict) else None
        if spec.value and keys is not None and keys <= set(spec.fields) | {spec.value}:
            self.value(
                old.get(spec.value), new.get(spec.value), path, labels, pattern + (spec.value,)
            )
            return
        self.value(old, new, path, labels, pattern)

    def _labels(self, spec: ListSpec, new_keyed, old_keyed) -> dict[tuple, str]:
        """Item labels by identity, made unique within the list (« (2) » when repeated)."""
        labels: dict[tuple, str] = {}
        for key, item in new_keyed + old_keyed:
            if key not in labels:
                labels[key] = (spec.label(item, self.names) if isinstance(item, dict) else "") or (
                    "élément"
                )
        counts: dict[str, int] = {}
        for text in labels.values():
            counts[text] = counts.get(text, 0) + 1
        running: dict[str, int] = {}
        for key, text in labels.items():
            if counts[text] > 1:
                running[text] = running.get(text, 0) + 1
                labels[key] = f"{text} ({running[text]})"
        return labels

    def scalars(self, old: list, new: list, path, labels, pattern) -> None:
        from collections import Counter

        before, after = Counter(map(_hashable, old)), Counter(map(_hashable, new))
        removed = [v for v in old if _take(before, after, v)]
        before, after = Counter(map(_hashable, old)), Counter(map(_hashable, new))
        added = [v for v in new if _take(after, before, v)]
        node = _node(pattern)
        texts = not (node and node.refs & {"code_qpv", "code_insee", "identifiant"})
        for value in added:
            match = None
            if texts and isinstance(value, str):
                best = 0.5
                for candidate in removed:
                    if isinstance(candidate, str):
                        sim = similarity(candidate, value, best)
                        if sim > best:
                            match, best = candidate, sim
            if match is not None:
                removed.remove(match)
                label = _short(format_value(value, pattern, self.names, quote=False), 50)
                self.add(CHANGED, path, labels + (f"« {label} »",), pattern, match, value)
                continue
            shown = format_value(value, pattern, self.names)
            self.add(ADDED, path, labels + (shown,), pattern, new=value)
        for value in removed:
            shown = format_value(value, pattern, self.names)
            self.add(REMOVED, path, labels + (shown,), pattern, old=value)


def _take(mine, other, value) -> bool:
    """Consume one occurrence of `value`; True when `other` has none left to match it."""
    key = _hashable(value)
    if other.get(key, 0) > 0:
        other[key] -= 1
        return False
    return True


def diff_data(old: dict, new: dict, context: dict | None = None) -> list[Change]:
    """The changes from `old` to `new` (two merged description trees).

    `context`, the whole territory when only one of its files is compared, names the
    signatories, orientations and QPV that the file refers to.
    """
    differ = _Differ(Names(context or {}, old, new))
    old = old if isinstance(old, dict) else {}
    new = new if isinstance(new, dict) else {}
    differ.value(old, new, (), (), ())
    return differ.changes


# --------------------------------------------------------------------------- totals


def _format_total(label: str, value: Decimal) -> str:
    if label.startswith(("Population", "Quantités")):
        return formatting.nombre(value)
    return formatting.montant(value)


def diff_totals(old: dict, new: dict, context: dict | None = None) -> list[TotalChange]:
    names = Names(context or {}, old, new)
    before, after = totals(old, names), totals(new, names)
    labels = list(after) + [k for k in before if k not in after]
    out = []
    for label in labels:
        a, b = before.get(label, Decimal(0)), after.get(label, Decimal(0))
        if a == b:
            continue
        diff = b - a
        delta = ("+" if diff > 0 else "") + _format_total(label, diff)
        out.append(
            TotalChange(label, _format_total(label, a), _format_total(label, b), delta, a, b)
        )
    return out


def compare(old: dict, new: dict, context: dict | None = None) -> Comparison:
    return Comparison(diff_data(old, new, context), diff_totals(old, new, context))


__all__ = [
    "ADDED",
    "CHANGED",
    "EQUAL",
    "REMOVED",
    "Change",
    "Comparison",
    "TotalChange",
    "compare",
    "diff_data",
    "diff_totals",
    "format_value",
    "totals",
]
