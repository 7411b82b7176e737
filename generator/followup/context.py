"""What the follow-up documents and the workbook show: pure functions, no I/O, no formatting.

`followup_context` joins the description (orientations, signatories, QPV, TFPB conventions),
the planned money (through `money`, the one door to the financing) and the year's follow-up
(values observed, amounts paid, states, bilans). Every figure of the three documents and of
the workbook comes from here, so that they agree.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from generator.followup import money, references, trajectory
from generator.followup.schema import labels

AXES = (
    "presence_proximite",
    "formation_personnels",
    "sur_entretien",
    "dechets_encombrants",
    "tranquillite",
    "concertation_locataires",
    "animation_lien_social",
    "petits_travaux",
)
STATES = ("realise", "en_cours", "reporte", "abandonne")
UNDER_SPENT = Decimal("0.9")  # paid below 90 % of the planned amount: a gap to discuss


def _dec(value) -> Decimal:
    if value is None or isinstance(value, bool):
        return Decimal(0)
    return Decimal(str(value))


def _rate(part: Decimal, whole: Decimal) -> float | None:
    return None if not whole else float(round(100 * part / whole, 1))


def _list(value) -> list:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _qpv_names(data: dict) -> dict[str, str]:
    from generator.description.reference import qpv_reference

    reference = qpv_reference()
    return {
        code: (reference[code].nom if code in reference else code)
        for code in references.territory_qpv(data)
    }


def followup_context(
    data: dict,
    followup_data: dict,
    year: int,
    history: dict[int, dict] | None = None,
    opinions: list | None = None,
) -> dict:
    """The context of the year's documents. `history`: earlier years' follow-up data (for the
    indicators' trajectories); `opinions`: the conseils citoyens' opinions (load.Opinion)."""
    state_labels = labels("engagements", "[]", "statut")
    status_labels = labels("operations", "[]", "statut")
    kind_labels = labels("participation", "[]", "type")
    axis_labels = {a: labels("tfpb", "[]", "actions", "[]", "axe").get(a, a) for a in AXES}
    signatories = references.signatories(data)
    qpv_names = _qpv_names(data)
    communes = references.territory_communes(data)

    def who(sid) -> str:
        return str((signatories.get(sid) or {}).get("nom") or sid)

    # ---- indicators
    observed = {i["id"]: i for i in _list(followup_data.get("indicateurs"))}
    past = {
        y: {i["id"]: i.get("valeur") for i in _list((d or {}).get("indicateurs"))}
        for y, d in sorted((history or {}).items())
        if y < year
    }
    indicators = []
    for ind in references.indicators(data).values():
        item = observed.get(ind.id, {})
        value = item.get("valeur")
        state = trajectory.status(ind, value, year)
        series = [(y, v[ind.id]) for y, v in past.items() if v.get(ind.id) is not None]
        if value is not None:
            series.append((year, value))
        indicators.append(
            {
                "id": ind.id,
                "libelle": ind.label,
                "unite": ind.unit,
                "source": item.get("source") or ind.source,
                "date": item.get("date"),
                "porteur": who(ind.owner) if ind.owner else None,
                "orientation": ind.orientation,
                "reference": ind.baseline,
                "annee_reference": ind.baseline_year,
                "valeur": value,
                "attendu": trajectory.expected(ind, year),
                "cible_2027": ind.target_2027,
                "cible_2030": ind.target_2030,
                "tendance": state,
                "en_retard": state == trajectory.BEHIND,
                "serie": [{"annee": y, "valeur": v} for y, v in series],
                "qpv": [
                    {
                        "code": q["qpv"],
                        "nom": qpv_names.get(q["qpv"], q["qpv"]),
                        "valeur": q["valeur"],
                    }
                    for q in _list(item.get("qpv"))
                ],
                "commentaire": item.get("commentaire"),
            }
        )
    # ---- money
    ops = money.operations(data, year)
    paid_items = {o["id"]: o for o in _list(followup_data.get("operations"))}
    operations = []
    for op in sorted(ops.values(), key=lambda o: (str(o.orientation or "~"), o.label)):
        item = paid_items.get(op.id, {})
        if not op.planned and op.id not in paid_items and op.paid is None:
            continue
        paid = money.paid_of(op, paid_items.get(op.id))
        known = paid is not None
        paid = paid or Decimal(0)
        operations.append(
            {
                "id": op.id,
                "libelle": op.label,
                "nature": op.nature,
                "orientation": op.orientation,
                "qpv": list(op.qpv),
                "financeurs": [who(f) for f in op.funders],
                "financeur_ids": list(op.funders),
                "prevu": op.planned,
                "notifie": op.notified,
                "verse": paid,
                "ecart": paid - op.planned,
                "renseigne": known,
                "statut": status_labels.get(item.get("statut"), ""),
                "realisation": state_labels.get(item.get("realisation"), ""),
                "commentaire": item.get("commentaire"),
            }
        )
    total_planned = sum((o["prevu"] for o in operations), Decimal(0))
    total_paid = sum((o["verse"] for o in operations), Decimal(0))
    # ---- orientations
    action_items = {
        (a.get("orientation"), a.get("objectif"), a.get("action")): a
        for a in _list(followup_data.get("actions"))
    }
    orientations = []
    money_rows = []
    for oid, orientation in references.orientations(data).items():
        mine = [o for o in operations if o["orientation"] == oid]
        planned = sum((o["prevu"] for o in mine), Decimal(0))
        paid = sum((o["verse"] for o in mine), Decimal(0))
        actions = []
        for n, objective in enumerate(_list(orientation.get("objectifs")), start=1):
            for m, text in enumerate(objective.get("actions") or [], start=1):
                item = action_items.get((oid, n, m), {})
                actions.append(
                    {
                        "objectif": n,
                        "numero": m,
                        "libelle": str(text),
                        "statut": state_labels.get(item.get("statut"), "non renseigné"),
                        "commentaire": item.get("commentaire"),
                    }
                )
        row = {
            "id": oid,
            "titre": str(orientation.get("titre") or oid),
            "enjeu": orientation.get("enjeu"),
            "prevu": planned,
            "verse": paid,
            "ecart": paid - planned,
            "taux": _rate(paid, planned),
            "indicateurs": [i for i in indicators if i["orientation"] == oid],
            "actions": actions,
        }
        orientations.append(row)
        money_rows.append(row)
    transversal = [o for o in operations if o["orientation"] not in references.orientations(data)]
    if transversal:
        planned = sum((o["prevu"] for o in transversal), Decimal(0))
        paid = sum((o["verse"] for o in transversal), Decimal(0))
        money_rows.append(
            {
                "id": None,
                "titre": "Transversal (sans orientation principale)",
                "prevu": planned,
                "verse": paid,
                "ecart": paid - planned,
                "taux": _rate(paid, planned),
            }
        )
    # ---- signatories and their commitments
    commitment_items = {
        (c.get("signataire"), c.get("objectif")): c for c in _list(followup_data.get("engagements"))
    }
    counts = defaultdict(int)
    signatory_rows = []
    for sid, signatory in signatories.items():
        if signatory.get("role") == "associe":
            continue
        sheet = references.commitment_sheets(data).get(sid) or {}
        commitments = []
        for n, objective in enumerate(_list(sheet.get("objectifs")), start=1):
            item = commitment_items.get((sid, n), {})
            key = item.get("statut") or "non_renseigne"
            counts[key] += 1
            commitments.append(
                {
                    "numero": n,
                    "libelle": str(objective.get("libelle") or ""),
                    "statut": state_labels.get(item.get("statut"), "non renseigné"),
                    "realise": item.get("realise"),
                    "commentaire": item.get("commentaire"),
                }
            )
        mine = [o for o in operations if o["financeur_ids"][:1] == [sid]]
        planned = sum((o["prevu"] for o in mine), Decimal(0))
        paid = sum((o["verse"] for o in mine), Decimal(0))
        signatory_rows.append(
            {
                "id": sid,
                "nom": who(sid),
                "prevu": planned,
                "verse": paid,
                "ecart": paid - planned,
                "engagements": commitments,
                "non_renseignes": sum(1 for c in commitments if c["statut"] == "non renseigné"),
            }
        )
    # ---- QPV
    quartiers = []
    for code, name in qpv_names.items():
        mine = [o for o in operations if o["qpv"] == [code]]
        quartiers.append(
            {
                "code": code,
                "nom": name,
                "prevu": sum((o["prevu"] for o in mine), Decimal(0)),
                "verse": sum((o["verse"] for o in mine), Decimal(0)),
                "indicateurs": [
                    {"libelle": i["libelle"], "unite": i["unite"], "valeur": q["valeur"]}
                    for i in indicators
                    for q in i["qpv"]
                    if q["code"] == code
                ],
            }
        )
    intercommunal = [o for o in operations if not o["qpv"]]
    # ---- TFPB
    bilans = {b["bailleur"]: b for b in _list(followup_data.get("tfpb"))}
    tfpb = [
        _tfpb_row(landlord, convention, bilans.get(landlord), year, who, axis_labels)
        for landlord, convention in references.conventions(data).items()
    ]
    tfpb_total = _tfpb_total(tfpb, axis_labels)
    # ---- gaps that need a decision
    gaps = []
    for i in indicators:
        if i["en_retard"]:
            gaps.append(
                {
                    "sujet": i["libelle"],
                    "constat": "indicateur en retard sur sa trajectoire",
                    "montant": None,
                }
            )
    for o in operations:
        if o["renseigne"] and o["prevu"] and o["verse"] < o["prevu"] * UNDER_SPENT:
            gaps.append(
                {
                    "sujet": o["libelle"],
                    "constat": "crédits versés inférieurs à 90 % du prévu",
                    "montant": o["ecart"],
                }
            )
    for s in signatory_rows:
        for c in s["engagements"]:
            if c["statut"] in ("reporté", "abandonné"):
                gaps.append(
                    {
                        "sujet": f"{s['nom']} : {c['libelle']}",
                        "constat": f"engagement {c['statut']}",
                        "montant": None,
                    }
                )
    for row in tfpb:
        if row["bilan"] and row["solde"] < 0 and not row["ecart_explique"]:
            gaps.append(
                {
                    "sujet": f"TFPB {row['nom']}",
                    "constat": "actions valorisées inférieures à l'abattement obtenu, sans explication",
                    "montant": row["solde"],
                }
            )
    report = followup_data.get("rapport") if isinstance(followup_data.get("rapport"), dict) else {}
    perspectives = (
        report.get("perspectives") if isinstance(report.get("perspectives"), dict) else {}
    )
    states = {label: counts.get(key, 0) for key, label in state_labels.items()}
    states["non renseigné"] = counts.get("non_renseigne", 0)
    territory = data.get("territoire") or {}
    epci = territory.get("epci") or {}
    start, end = references.period(data)
    return {
        "annee": year,
        "periode": f"{start}-{end}",
        "epci": {"nom": epci.get("nom"), "sigle": epci.get("sigle")},
        "qpv_liste": [{"code": c, "nom": n} for c, n in qpv_names.items()],
        "synthese": {
            "indicateurs": len(indicators),
            "en_bonne_voie": sum(
                1 for i in indicators if i["tendance"] in (trajectory.ON_TRACK, trajectory.REACHED)
            ),
            "en_retard": sum(1 for i in indicators if i["en_retard"]),
            "sans_valeur": sum(1 for i in indicators if i["tendance"] == trajectory.NO_VALUE),
            "prevu": total_planned,
            "verse": total_paid,
            "taux": _rate(total_paid, total_planned),
            "engagements": [{"etat": k, "nombre": v} for k, v in states.items()],
            "ecarts": len(gaps),
        },
        "indicateurs": indicators,
        "operations": operations,
        "financement_orientations": money_rows,
        "orientations": orientations,
        "signataires": signatory_rows,
        "quartiers": quartiers,
        "intercommunal": {
            "prevu": sum((o["prevu"] for o in intercommunal), Decimal(0)),
            "verse": sum((o["verse"] for o in intercommunal), Decimal(0)),
        },
        "tfpb": tfpb,
        "tfpb_total": tfpb_total,
        "ecarts": gaps,
        "decisions": followup_data.get("decisions"),
        "participation": [
            {
                "date": p.get("date"),
                "type": kind_labels.get(p.get("type"), p.get("type")),
                "intitule": p.get("intitule"),
                "quartier": qpv_names.get(p.get("qpv"), "") if p.get("qpv") else "",
                "participants": p.get("participants"),
            }
            for p in sorted(
                _list(followup_data.get("participation")), key=lambda p: str(p.get("date"))
            )
        ],
        "rapport": {
            "situation": report.get("situation"),
            "actions_epci_communes": report.get("actions_epci_communes"),
            "actions_autres_signataires": report.get("actions_autres_signataires"),
            "perspectives": {
                k: perspectives.get(k)
                for k in (
                    "resultats",
                    "droit_commun",
                    "coordination",
                    "participation",
                    "evaluation",
                )
            },
            "dsu": [
                {
                    "commune": communes.get(d.get("commune"), d.get("commune")),
                    "montant": d.get("montant"),
                    "actions": d.get("actions"),
                }
                for d in _list(report.get("dsu"))
            ],
            "renouvellement_urbain": report.get("renouvellement_urbain"),
            "consultation_conseils_citoyens": report.get("consultation_conseils_citoyens"),
            "debat_conseil_communautaire": report.get("debat_conseil_communautaire"),
        },
        "avis": [{"titre": o.title, "paragraphes": o.paragraphs} for o in opinions or []],
    }


def _tfpb_row(landlord, convention, bilan, year, who, axis_labels) -> dict:
    estimated = sum(
        (
            _dec(a.get("montant"))
            for a in _list(convention.get("abattement_estime"))
            if a.get("annee") == year
        ),
        Decimal(0),
    )
    planned_axes = defaultdict(Decimal)
    for action in _list(convention.get("actions")):
        for cost in _list(action.get("couts")):
            if cost.get("annee") == year:
                planned_axes[action.get("axe")] += _dec(cost.get("montant"))
    done_axes = defaultdict(Decimal)
    actions = []
    for action in _list((bilan or {}).get("actions")):
        done_axes[action.get("axe")] += _dec(action.get("cout"))
        actions.append(
            {
                "axe": axis_labels.get(action.get("axe"), action.get("axe")),
                "libelle": action.get("libelle"),
                "cout": _dec(action.get("cout")),
            }
        )
    dwellings = (bilan or {}).get("logements")
    if dwellings is None:
        dwellings = sum(int(p.get("logements") or 0) for p in _list(convention.get("patrimoine")))
    obtained = _dec((bilan or {}).get("abattement_obtenu"))
    done = sum(done_axes.values(), Decimal(0))
    planned = sum(planned_axes.values(), Decimal(0))
    return {
        "id": landlord,
        "nom": who(landlord),
        "bilan": bilan is not None,
        "logements": dwellings,
        "abattement_estime": estimated,
        "abattement_obtenu": obtained,
        "prevu": planned,
        "realise": done,
        "solde": done - obtained,
        "cout_par_logement": (done / dwellings).quantize(Decimal(1)) if dwellings else None,
        "couverture": _rate(obtained, done),
        "ecart_explique": (bilan or {}).get("ecart_explique"),
        "axes": [
            {
                "axe": axis_labels[a],
                "prevu": planned_axes.get(a, Decimal(0)),
                "realise": done_axes.get(a, Decimal(0)),
                "ecart": done_axes.get(a, Decimal(0)) - planned_axes.get(a, Decimal(0)),
            }
            for a in AXES
        ],
        "actions": actions,
    }


def _tfpb_total(rows: list[dict], axis_labels) -> dict:
    done = sum((r["realise"] for r in rows), Decimal(0))
    obtained = sum((r["abattement_obtenu"] for r in rows), Decimal(0))
    dwellings = sum(r["logements"] for r in rows if r["bilan"])
    return {
        "logements": dwellings,
        "abattement_estime": sum((r["abattement_estime"] for r in rows), Decimal(0)),
        "abattement_obtenu": obtained,
        "prevu": sum((r["prevu"] for r in rows), Decimal(0)),
        "realise": done,
        "solde": done - obtained,
        "cout_par_logement": (done / dwellings).quantize(Decimal(1)) if dwellings else None,
        "couverture": _rate(obtained, done),
        "axes": [
            {
                "axe": axis_labels[a],
                "prevu": sum((r["axes"][i]["prevu"] for r in rows), Decimal(0)),
                "realise": sum((r["axes"][i]["realise"] for r in rows), Decimal(0)),
                "ecart": sum((r["axes"][i]["ecart"] for r in rows), Decimal(0)),
            }
            for i, a in enumerate(AXES)
        ],
    }
