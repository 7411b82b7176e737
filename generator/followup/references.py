"""What the follow-up can refer to in a description: indicators, commitments, actions, landlords.

Pure functions over the merged description data; each item carries its own path in the
description, so that messages and documents can name it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    unit: str
    source: str
    baseline: float | None
    baseline_year: int | None
    target_2027: float | None
    target_2030: float | None
    owner: str | None  # the signatory whose commitment sheet holds it, None for the EPCI
    orientation: str | None
    path: tuple


def _list(value) -> list:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _indicator(raw: dict, owner, orientation, path) -> Indicator | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        return None
    return Indicator(
        raw["id"],
        str(raw.get("libelle") or raw["id"]),
        str(raw.get("unite") or ""),
        str(raw.get("source") or ""),
        _number(raw.get("valeur_reference")),
        raw.get("annee_reference") if isinstance(raw.get("annee_reference"), int) else None,
        _number(raw.get("cible_2027")),
        _number(raw.get("cible_2030")),
        owner,
        orientation,
        path,
    )


def indicators(data: dict) -> dict[str, Indicator]:
    """Every indicator with an id: orientations, commitment sheets, evaluation dashboard."""
    found: dict[str, Indicator] = {}

    def add(item: Indicator | None) -> None:
        if item is not None and item.id not in found:
            found[item.id] = item

    for i, orientation in enumerate(_list(data.get("orientations"))):
        for j, objective in enumerate(_list(orientation.get("objectifs"))):
            path = ("orientations", i, "objectifs", j, "indicateur")
            add(_indicator(objective.get("indicateur"), None, orientation.get("id"), path))
    for i, sheet in enumerate(_list(data.get("engagements"))):
        for j, objective in enumerate(_list(sheet.get("objectifs"))):
            path = ("engagements", i, "objectifs", j, "indicateur")
            add(
                _indicator(
                    objective.get("indicateur"),
                    sheet.get("signataire"),
                    objective.get("orientation"),
                    path,
                )
            )
    evaluation = data.get("evaluation") if isinstance(data.get("evaluation"), dict) else {}
    for i, raw in enumerate(_list(evaluation.get("indicateurs"))):
        add(_indicator(raw, None, None, ("evaluation", "indicateurs", i)))
    return found


def commitment_sheets(data: dict) -> dict[str, dict]:
    """Signatory id -> its commitment sheet."""
    return {
        s["signataire"]: s
        for s in _list(data.get("engagements"))
        if isinstance(s.get("signataire"), str)
    }


def orientations(data: dict) -> dict[str, dict]:
    return {o["id"]: o for o in _list(data.get("orientations")) if isinstance(o.get("id"), str)}


def conventions(data: dict) -> dict[str, dict]:
    """Landlord id -> its TFPB convention."""
    return {c["bailleur"]: c for c in _list(data.get("tfpb")) if isinstance(c.get("bailleur"), str)}


def signatories(data: dict) -> dict[str, dict]:
    return {s["id"]: s for s in _list(data.get("signataires")) if isinstance(s.get("id"), str)}


def territory_qpv(data: dict) -> list[str]:
    territory = data.get("territoire") if isinstance(data.get("territoire"), dict) else {}
    return [q["code"] for q in _list(territory.get("qpv")) if isinstance(q.get("code"), str)]


def territory_communes(data: dict) -> dict[str, str]:
    territory = data.get("territoire") if isinstance(data.get("territoire"), dict) else {}
    return {
        c["insee"]: str(c.get("nom") or c["insee"])
        for c in _list(territory.get("communes"))
        if isinstance(c.get("insee"), str)
    }


def period(data: dict) -> tuple[int, int]:
    contract = data.get("contrat") if isinstance(data.get("contrat"), dict) else {}
    span = contract.get("periode") if isinstance(contract.get("periode"), dict) else {}
    start = span.get("debut") if isinstance(span.get("debut"), int) else 2024
    end = span.get("fin") if isinstance(span.get("fin"), int) else 2030
    return start, end


def signature_year(data: dict) -> int | None:
    contract = data.get("contrat") if isinstance(data.get("contrat"), dict) else {}
    date = contract.get("date_signature")
    if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None
