"""Format 1 → format 2, on the merged data: the one conversion, used in memory when a format-1
description is read, and on disk by `cdv migrer` (`migrate`).

Format 1 typed money in three places: `financements.lignes` (one line per year), the investment
plans (`plan_financement`, no years) and the commitment sheets (`moyens.montant_annuel`). Format 2
has one ledger, `financements.operations`; the projects and the sheets reference its operations.
The conversion groups the lines into operations, merges an investment plan's part with the
ledger lines of the same funder and project (no euro counted twice), and turns each sheet's
annual amount into an operation unless the ledger already holds it. `origins` maps each new path
to the format-1 path it came from, so that a problem is located where the pilot typed the value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from generator.ledger.convert_links import _convert_investments, _convert_sheets
from generator.ledger.convert_text import _dicts, _form, _Ids, _label_and_quantities, _mode, slug

FORMAT_VERSION = 2
Path_ = tuple

STATUS_1_TO_2 = {"previsionnel": "programme", "notifie": "notifie"}


@dataclass
class Conversion:
    """The format-2 data, where each new value came from, and what the conversion did."""

    data: dict
    origins: dict[Path_, Path_] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # the format-1 data had something to convert (False: already format 2)
    changed: bool = True
    # the operations made of format-1 `financements.lignes`: what format-1 declared totals add up
    line_operations: frozenset[str] = frozenset()


def convert_format_1(data: dict) -> Conversion:
    """The format-2 form of a format-1 description's merged data (the input is not changed)."""
    if data.get("format") == FORMAT_VERSION:
        return Conversion(data, changed=False)
    new = copy.deepcopy(data)
    conv = Conversion(new)
    new["format"] = FORMAT_VERSION
    conv.origins[("format",)] = ("format",)
    signatories = {
        s["id"]: s for s in _dicts(new.get("signataires")) if isinstance(s.get("id"), str)
    }
    financing = new.get("financements")
    financing = financing if isinstance(financing, dict) else None
    ids = _Ids()
    # operations already written in format 2 (a file of a partner, a half-done migration) are
    # kept as they are: the validation reports the mix, nothing is lost
    operations: list[dict] = _dicts(financing.get("operations")) if financing else []
    ids.used.update(op["id"] for op in operations if isinstance(op.get("id"), str))
    sources: list[list[int]] = [[] for _ in operations]  # the format-1 lines of each operation
    if financing is not None:
        _group_lines(financing, operations, sources, ids, conv)
    partners: dict[str, dict] = {
        p["id"]: p for p in _dicts(new.get("partenaires")) if isinstance(p.get("id"), str)
    }
    _convert_investments(new, operations, sources, ids, signatories, partners, conv)
    _convert_sheets(new, operations, sources, ids, conv)
    if financing is not None or operations:
        financing = new.setdefault("financements", {}) if financing is None else financing
        financing.pop("lignes", None)
        financing["operations"] = operations
        for index, total in enumerate(_dicts(financing.get("totaux"))):
            if "type" in total:  # renamed where it was written
                items = [("nature" if k == "type" else k, v) for k, v in total.items()]
                total.clear()
                total.update(items)
                conv.origins[("financements", "totaux", index, "nature")] = (
                    "financements",
                    "totaux",
                    index,
                    "type",
                )
        # keep the order of format 1 readable: modalites, operations, totaux
        for key in ("totaux",):
            if key in financing:
                financing[key] = financing.pop(key)
    if partners:
        new["partenaires"] = list(partners.values())
    conv.line_operations = frozenset(
        op["id"] for op, src in zip(operations, sources, strict=True) if src
    )
    return conv


def _group_lines(financing, operations, sources, ids, conv) -> None:
    keys: dict[tuple, int] = {}
    lines = financing.get("lignes")
    if not isinstance(lines, list):
        return
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            continue
        key = tuple(
            line.get(k) if isinstance(line.get(k), str | int | None) else repr(line.get(k))
            for k in ("financeur", "programme", "dispositif", "type", "orientation", "qpv")
        )
        line_path = ("financements", "lignes", index)
        if key not in keys:
            label, quantities = _label_and_quantities(str(line.get("dispositif") or ""))
            nature = line.get("type")
            form = _form(line.get("programme"), line.get("dispositif"))
            op = {"id": ids.new(slug(label), slug(f"{label}-{line.get('financeur')}"))}
            op["intitule"] = label or line.get("dispositif")
            op["nature"] = nature
            if line.get("programme") is not None:
                op["programme"] = line["programme"]
            if line.get("orientation") is not None:
                op["orientation"] = line["orientation"]
            if line.get("qpv") is not None:
                op["repartition"] = [{"qpv": line["qpv"], "part": 100}]
            else:
                op["repartition"] = "intercommunale"
            mode = _mode(str(line.get("dispositif") or ""), nature, form)
            if mode:
                op["mode"] = mode
            if quantities:
                op["quantites"] = quantities
            op["financeurs"] = [{"financeur": line.get("financeur"), "forme": form, "annees": []}]
            keys[key] = len(operations)
            at = ("financements", "operations", len(operations))
            conv.origins[at] = line_path
            for new_key, old_key in (
                ("intitule", "dispositif"),
                ("nature", "type"),
                ("programme", "programme"),
                ("orientation", "orientation"),
                ("repartition", "qpv"),
                ("financeurs", "financeur"),
            ):
                conv.origins[at + (new_key,)] = line_path + (old_key,)
            conv.origins[at + ("repartition", 0, "qpv")] = line_path + ("qpv",)
            conv.origins[at + ("financeurs", 0, "financeur")] = line_path + ("financeur",)
            operations.append(op)
            sources.append([])
        position = keys[key]
        op = operations[position]
        years = op["financeurs"][0]["annees"]
        entry = {"annee": line.get("annee"), "montant": line.get("montant")}
        status = line.get("statut")
        entry["statut"] = STATUS_1_TO_2.get(status, status) if status is not None else "programme"
        at = ("financements", "operations", position, "financeurs", 0, "annees", len(years))
        conv.origins[at] = line_path
        conv.origins[at + ("montant",)] = line_path + ("montant",)
        conv.origins[at + ("annee",)] = line_path + ("annee",)
        conv.origins[at + ("statut",)] = line_path + ("statut",)
        years.append(entry)
        sources[position].append(index)
    if lines:
        conv.notes.append(
            f"financements : {len(lines)} lignes regroupées en {len(operations)} opérations "
            "(une par financeur, programme, dispositif, nature, orientation et QPV)"
        )


def translate(origins: dict[Path_, Path_], path: Path_) -> Path_:
    """The format-1 path a format-2 path came from (the path itself when nothing moved)."""
    for end in range(len(path), 0, -1):
        old = origins.get(tuple(path[:end]))
        if old is not None:
            rest = tuple(path[end:])
            # a field under a converted item keeps its name when format 1 had it too
            if rest and rest[0] in ("montant", "annee", "statut", "financeur", "programme"):
                return old + rest
            return old
    return path


def upgrade_description(desc) -> bool:
    """Convert a loaded format-1 `Description` to format 2 in place; True if it was format 1.

    Its problems are then located through `desc.origins` (see `Description.problem`).
    """
    if not isinstance(desc.data, dict) or not desc.data:
        return False
    if desc.data.get("format") not in (1, None) or "format" not in desc.data:
        return False
    conv = convert_format_1(desc.data)
    desc.original_format = 1
    desc.source_data = desc.data
    desc.data = conv.data
    desc.origins = conv.origins
    desc.format1_line_operations = conv.line_operations
    return True
