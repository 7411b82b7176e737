"""Format 1 → format 2, the parts that link the ledger with the rest of the description: an
investment project's financing plan becomes operations (merged with the ledger lines that hold
the same money) and a commitment sheet's annual amount becomes an operation (unless the ledger
already holds it). Used by `convert.convert_format_1`.
"""

from __future__ import annotations

from decimal import Decimal

from generator.ledger.convert_text import (
    _amount,
    _dicts,
    _equal_parts,
    _form,
    _mode,
    _norm,
    _plain,
    slug,
)
from generator.ledger.model import YEARS


def _op_total(op: dict) -> Decimal:
    return sum(
        (_amount(y.get("montant")) for f in _dicts(op.get("financeurs")) for y in f["annees"]),
        Decimal(0),
    )


def _new_operation(op_id: str, label, nature: str, source: dict) -> dict:
    """A new operation for a format-1 project or commitment (`source`): its orientation, and
    its QPV in equal shares (none: intercommunal)."""
    op = {"id": op_id, "intitule": label, "nature": nature}
    if source.get("orientation") is not None:
        op["orientation"] = source["orientation"]
    qpv = [q for q in source.get("qpv") or [] if isinstance(q, str)]
    op["repartition"] = (
        [{"qpv": q, "part": p} for q, p in zip(qpv, _equal_parts(len(qpv)), strict=True)]
        if qpv
        else "intercommunale"
    )
    return op


def _funder_id(name, signatories, partners, conv) -> str:
    if not isinstance(name, str):
        return name
    if name in signatories:
        return name
    by_slug = {slug(sid): sid for sid in signatories}
    if slug(name) in by_slug:
        return by_slug[slug(name)]
    pid = slug(name)
    if pid not in partners:
        kind = "banque_des_territoires" if "banque" in pid else "autre"
        partners[pid] = {"id": pid, "nom": name, "type": kind}
        conv.notes.append(
            f"partenaires : « {name} » finance sans signer : ajouté comme partenaire « {pid} »"
        )
    return pid


def _convert_investments(new, operations, sources, ids, signatories, partners, conv) -> None:
    merged: set[int] = set()
    for p_index, project in enumerate(_dicts(new.get("investissements"))):
        original = list(project)
        plan = project.pop("plan_financement", None)
        if not isinstance(plan, list):
            continue
        refs = []
        own = own_at = None  # the project's own operation, for the parts not in the ledger
        start = project.get("debut") if isinstance(project.get("debut"), int) else YEARS[0]
        start = min(max(start, YEARS[0]), YEARS[-1])  # a part is placed inside the period
        title = _norm(project.get("intitule"))
        project_qpv = (
            set(project.get("qpv") or []) if isinstance(project.get("qpv"), list) else set()
        )
        for part_index, part in enumerate(plan):
            if not isinstance(part, dict):
                continue
            part_path = ("investissements", p_index, "plan_financement", part_index)
            funder = _funder_id(part.get("financeur"), signatories, partners, conv)
            amount = _amount(part.get("montant"))
            match = None
            for position, op in enumerate(operations):
                if position in merged or op.get("nature") != "investissement":
                    continue
                if op["financeurs"][0].get("financeur") != funder:
                    continue
                same_project = _norm(op.get("intitule")) == title or (
                    title and title in _norm(op.get("intitule"))
                )
                op_qpv = {r.get("qpv") for r in _dicts(op.get("repartition"))}
                if (same_project or (op_qpv and op_qpv <= project_qpv)) and _op_total(op) == amount:
                    match = position
                    break
            if match is not None:
                merged.add(match)
                op = operations[match]
                if part.get("dispositif") and not op["financeurs"][0].get("dispositif"):
                    contribution = op["financeurs"][0]
                    contribution["dispositif"] = part["dispositif"]
                    _reorder(contribution, ["financeur", "forme", "dispositif", "annees"], {})
                refs.append(op["id"])
                conv.notes.append(
                    f"investissements : « {project.get('intitule')} », part de {funder} "
                    f"({_plain(amount)} €) fusionnée avec l'opération « {op['id']} » du "
                    "financement (mêmes financeur, projet et montant : comptée une fois)"
                )
                continue
            form = _form(part.get("dispositif"), part.get("financeur"))
            if own is None:
                own = _new_operation(
                    ids.new(slug(str(project.get("id") or "investissement"))),
                    project.get("intitule"),
                    "investissement",
                    project,
                )
                mode = _mode(str(part.get("dispositif") or ""), "investissement", form)
                if mode:
                    own["mode"] = mode
                own["financeurs"] = []
                own_at = ("financements", "operations", len(operations))
                conv.origins[own_at] = ("investissements", p_index, "plan_financement")
                operations.append(own)
                sources.append([])
                refs.append(own["id"])
            contribution = {"financeur": funder, "forme": form}
            if part.get("dispositif"):
                contribution["dispositif"] = part["dispositif"]
            contribution["annees"] = [
                {"annee": start, "montant": part.get("montant"), "statut": "programme"}
            ]
            at = own_at + ("financeurs", len(own["financeurs"]))
            own["financeurs"].append(contribution)
            conv.origins[at] = part_path
            conv.origins[at + ("financeur",)] = part_path + ("financeur",)
            conv.origins[at + ("annees", 0, "montant")] = part_path + ("montant",)
            conv.notes.append(
                f"investissements : « {project.get('intitule')} », part de {funder} "
                f"({_plain(amount)} €) : dans l'opération « {own['id']} », montant placé en "
                f"{start} (début du projet) : répartissez-le par année si besoin"
            )
        project["operations"] = refs
        _reorder(project, original, {"plan_financement": "operations"})
        conv.origins[("investissements", p_index, "operations")] = (
            "investissements",
            p_index,
            "plan_financement",
        )


# format-1 key of a commitment's means -> the format-2 key that takes its place
_SHEET_KEYS = {"montant_annuel": "operations", "etp": "quantites", "places": "quantites"}


def _reorder(mapping: dict, original: list, renamed: dict) -> None:
    """Put each new key where the format-1 key it replaces was (the pilot's order kept)."""
    order = []
    for key in original:
        key = renamed.get(key, key)
        if key in mapping and key not in order:
            order.append(key)
    order += [k for k in mapping if k not in order]
    items = [(k, mapping.pop(k)) for k in order]
    mapping.update(items)


def _convert_sheets(new, operations, sources, ids, conv) -> None:
    used: set[int] = set()
    for s_index, sheet in enumerate(_dicts(new.get("engagements"))):
        funder = sheet.get("signataire")
        for o_index, objective in enumerate(_dicts(sheet.get("objectifs"))):
            means = objective.get("moyens")
            if not isinstance(means, dict):
                continue
            path = ("engagements", s_index, "objectifs", o_index, "moyens")
            original = list(means)
            quantities = [
                {"valeur": means[key], "unite": unit}
                for key, unit in (("etp", "etp"), ("places", "places"))
                if key in means and not isinstance(means[key], bool)
            ]
            if "montant_annuel" not in means:
                if quantities:
                    means["quantites"] = quantities
                    for key in ("etp", "places"):
                        means.pop(key, None)
                    conv.origins[path + ("quantites",)] = path
                    _reorder(means, original, _SHEET_KEYS)
                continue
            annual = _amount(means.pop("montant_annuel"))
            for key in ("etp", "places"):
                means.pop(key, None)
            # the ledger line of the same funder with this yearly amount is the same money: a
            # droit commun line first, else a specific one (a sheet often restates the State's
            # BOP 147 or the EPCI's own credits); never an investment
            match = None
            for nature in ("droit_commun", "specifique"):
                for position, op in enumerate(operations):
                    if position in used or op.get("nature") != nature:
                        continue
                    contributions = _dicts(op.get("financeurs"))
                    if len(contributions) != 1 or contributions[0].get("financeur") != funder:
                        continue
                    # a line without orientation (transversal) may be the sheet's money
                    if op.get("orientation") not in (None, objective.get("orientation")):
                        if objective.get("orientation") is not None:
                            continue
                    amounts = {
                        _amount(y.get("montant")) for y in _dicts(contributions[0].get("annees"))
                    }
                    if annual in amounts:
                        match = position
                        break
                if match is not None:
                    break
            if match is not None:
                used.add(match)
                op = operations[match]
                if quantities:
                    op.setdefault("quantites", []).extend(quantities)
                conv.notes.append(
                    f"engagements : {funder}, « {objective.get('libelle')} » : "
                    f"{_plain(annual)} € par an repris de l'opération « {op['id']} » du "
                    "financement (comptés une fois)"
                )
            else:
                op = _new_operation(
                    ids.new(slug(f"{funder}-{objective.get('libelle') or 'engagement'}", words=7)),
                    objective.get("libelle"),
                    "droit_commun",
                    objective,
                )
                if quantities:
                    op["quantites"] = quantities
                op["financeurs"] = [
                    {
                        "financeur": funder,
                        "forme": "subvention",
                        "annees": [
                            {"annee": y, "montant": _plain(annual), "statut": "programme"}
                            for y in YEARS
                        ],
                    }
                ]
                at = ("financements", "operations", len(operations))
                conv.origins[at] = path + ("montant_annuel",)
                conv.origins[at + ("financeurs", 0, "financeur")] = (
                    "engagements",
                    s_index,
                    "signataire",
                )
                operations.append(op)
                sources.append([])
                conv.notes.append(
                    f"engagements : {funder}, « {objective.get('libelle')} » : "
                    f"{_plain(annual)} € par an deviennent l'opération « {op['id']} » "
                    f"({YEARS[0]}-{YEARS[-1]}, statut programmé)"
                    + (
                        " ; QPV répartis à parts égales : à préciser"
                        if isinstance(op["repartition"], list) and len(op["repartition"]) > 1
                        else ""
                    )
                )
            means["operations"] = [op["id"]]
            _reorder(means, original, _SHEET_KEYS)
            conv.origins[path + ("operations",)] = path + ("montant_annuel",)
