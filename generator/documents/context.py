"""Build the context that templates see: pure functions, no I/O, no formatting.

The description is normalised against the schema (every field the schema defines is present:
None, an empty list or a complete object), so a template can write `{{ e.contact.service }}`
without guards and a misspelt field is an error rather than an empty paragraph. Reference data
(official QPV names and communes) is joined in, items are linked to one another (a signatory
knows its commitment sheet), and the financial tables are computed here so that every total in
the documents adds up by construction.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from markupsafe import Markup

from generator.description.reference import qpv_reference
from generator.description.schema import labels, load_schema, resolve
from generator.documents import ledger_context, ledger_means
from generator.documents.locator_map import LocatorMap
from generator.documents.marks import TOC_MARK
from generator.ledger.build import build_ledger

YEARS = list(range(2024, 2031))
TFPB_YEARS = list(range(2025, 2031))
# Number of the annex that gathers the TFPB conventions (canonical outline, domain notes § 2)
TFPB_ANNEX = "2"
SIGNATORY_ORDER = [
    "etat",
    "region",
    "departement",
    "epci",
    "commune",
    "education_nationale",
    "justice",
    "ars",
    "france_travail",
    "caf",
    "cpam",
    "banque_des_territoires",
    "bailleur",
    "autorite_mobilite",
    "chambre_consulaire",
    "autre",
]


def _dec(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return Decimal(0)
    return Decimal(str(value))


def normalize(schema: dict, value):
    """Give `value` every field its schema defines (None, [] or a complete object)."""
    schema = resolve(schema)
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        source = value if isinstance(value, dict) else {}
        return {k: normalize(sub, source.get(k)) for k, sub in schema["properties"].items()}
    if kind == "object":
        return dict(value) if isinstance(value, dict) else {}
    if kind == "array":
        items = schema.get("items", {})
        return [normalize(items, v) for v in value] if isinstance(value, list) else []
    if isinstance(value, str) and not value.strip():
        return None  # a blank text is no text: the template shows nothing for it
    return value


def _by(items: list[dict], key: str) -> dict:
    return {item[key]: item for item in items if item.get(key) is not None}


def _row(label: str, amounts: dict[int, Decimal], years: list[int], **extra) -> dict:
    values = [amounts.get(y, Decimal(0)) for y in years]
    return {"libelle": label, "montants": values, "total": sum(values, Decimal(0)), **extra}


def tfpb_convention(convention: dict, context: dict) -> dict:
    """One TFPB convention, with its parties, housing, yearly balance and actions by axis."""
    signatories = context["_signatories"]
    qpv_by_code = context["_qpv_by_code"]
    axis_labels = labels(("tfpb", 0, "actions", 0, "axe"))
    axis_keys = list(axis_labels)
    bailleur = signatories.get(convention["bailleur"]) or {
        "id": convention["bailleur"],
        "nom": convention["bailleur"],
        "type": "bailleur",
        "representant": None,
        "siren": None,
        "signataire_nom": None,
    }
    housing = []
    for item in convention["patrimoine"]:
        qpv = qpv_by_code.get(item["qpv"], {})
        housing.append(
            {
                **item,
                "nom": qpv.get("libelle", item["qpv"]),
                "communes": qpv.get("communes_noms", ""),
            }
        )
    insee = {i for item in housing for i in qpv_by_code.get(item["qpv"], {}).get("insee", [])}
    communes = [
        s for s in signatories.values() if s.get("type") == "commune" and s.get("insee") in insee
    ]
    estimated = defaultdict(Decimal)
    for entry in convention["abattement_estime"]:
        if isinstance(entry.get("annee"), int):
            estimated[entry["annee"]] += _dec(entry.get("montant"))
    # the tables of the convention have one column per tax year of the abatement (2025-2030);
    # amounts for other years are reported as errors by the validation, not shown
    years = list(TFPB_YEARS)
    valued = defaultdict(Decimal)
    axes = []
    for number, key in enumerate(axis_keys, start=1):
        actions = []
        for action in convention["actions"]:
            if action.get("axe") != key:
                continue
            amounts = defaultdict(Decimal)
            for cost in action["couts"]:
                if isinstance(cost.get("annee"), int):
                    amounts[cost["annee"]] += _dec(cost.get("montant"))
                    valued[cost["annee"]] += _dec(cost.get("montant"))
            actions.append(_row(action["libelle"], amounts, years, action=action))
        totals = [sum((a["montants"][i] for a in actions), Decimal(0)) for i in range(len(years))]
        axes.append(
            {
                "numero": number,
                "cle": key,
                "libelle": axis_labels[key],
                "actions": actions,
                "montants": totals,
                "total": sum(totals, Decimal(0)),
            }
        )
    balance = [
        {
            "annee": y,
            "abattement": estimated.get(y, Decimal(0)),
            "actions": valued.get(y, Decimal(0)),
            "ecart": valued.get(y, Decimal(0)) - estimated.get(y, Decimal(0)),
        }
        for y in years
    ]
    etat = next((s for s in signatories.values() if s.get("type") == "etat"), None)
    epci = next((s for s in signatories.values() if s.get("type") == "epci"), None)
    state = etat or {"nom": "l'État", "representant": None, "signataire_nom": None}
    parties = [bailleur, state, *communes]
    if epci:
        parties.append(epci)
    return {
        **convention,
        "bailleur_info": bailleur,
        "etat": etat,
        "epci_signataire": epci,
        "parties": parties,
        "communes_signataires": communes,
        "logements": housing,
        "total_logements": sum(int(h.get("logements") or 0) for h in housing),
        "annees": years,
        "axes": axes,
        "axes_avec_actions": [a for a in axes if a["actions"]],
        "bilan": balance,
        "total_abattement": sum((b["abattement"] for b in balance), Decimal(0)),
        "total_actions": sum((b["actions"] for b in balance), Decimal(0)),
        "total_ecart": sum((b["ecart"] for b in balance), Decimal(0)),
        "annees_en_deficit": [b["annee"] for b in balance if b["ecart"] < 0],
    }


def _name_qpv_lists(node, qpv_by_code: dict) -> None:
    """Give every item that lists QPV codes (`qpv: [...]`) their names, as `qpv_noms`."""
    if isinstance(node, dict):
        codes = node.get("qpv")
        if isinstance(codes, list) and all(isinstance(c, str) for c in codes):
            node["qpv_noms"] = ", ".join(
                qpv_by_code[c]["libelle"] if c in qpv_by_code else str(c) for c in codes if c
            )
        for value in list(node.values()):
            if isinstance(value, dict | list):
                _name_qpv_lists(value, qpv_by_code)
    elif isinstance(node, list):
        for value in node:
            _name_qpv_lists(value, qpv_by_code)


def build_context(
    data: dict,
    *,
    draft: bool = False,
    tool: dict | None = None,
    declared_scope: frozenset[str] | None = None,
) -> dict:
    """The context of the contract and its annexes, from a merged description.

    `declared_scope`: for a description written in format 1, the operations its declared
    totals add up (its `lignes`, `Description.format1_line_operations`), as the validation does.
    """
    schema = load_schema()
    ctx = normalize(schema, data)
    reference = qpv_reference()
    contrat = ctx["contrat"]
    status_labels = labels(("contrat", "statut"))
    type_labels = labels(("signataires", 0, "type"))

    communes_by_insee = {c["insee"]: c for c in ctx["territoire"]["communes"] if c.get("insee")}
    qpvs = []
    for qpv in ctx["territoire"]["qpv"]:
        ref = reference.get(qpv.get("code"))
        names = list(ref.communes) if ref else []
        insee = list(ref.insee) if ref else []
        qpvs.append(
            {
                **qpv,
                "nom_officiel": ref.nom if ref else qpv.get("nom"),
                "libelle": qpv.get("nom") or (ref.nom if ref else qpv.get("code")),
                "insee": insee,
                "communes_noms": ", ".join(names),
                "departement": ref.departement if ref else None,
            }
        )
    qpv_by_code = _by(qpvs, "code")
    projects = _by(ctx["quartiers"], "qpv")
    for qpv in qpvs:
        qpv["projet"] = projects.get(qpv["code"])
    ordered_projects = [
        dict(projects[q["code"]], qpv_info=q) for q in qpvs if q["code"] in projects
    ]

    rank = {t: i for i, t in enumerate(SIGNATORY_ORDER)}
    signatories_list = sorted(
        (
            dict(s, type_libelle=type_labels.get(s.get("type"), s.get("type")))
            for s in ctx["signataires"]
        ),
        key=lambda s: rank.get(s.get("type"), 99),
    )
    signatories = {s["id"]: s for s in signatories_list if s.get("id")}
    sheets = []
    for sheet in ctx["engagements"]:
        sig = signatories.get(sheet.get("signataire"), {"nom": sheet.get("signataire")})
        sheets.append(dict(sheet, signataire_info=sig))
    sheets.sort(
        key=lambda s: (
            list(signatories).index(s["signataire"]) if s["signataire"] in signatories else 999
        )
    )
    for sig in signatories.values():
        sig["engagement"] = next((s for s in sheets if s["signataire"] == sig["id"]), None)

    orientations = [dict(o, numero=i) for i, o in enumerate(ctx["orientations"], start=1)]
    orientation_by_id = _by(orientations, "id")
    for project in ordered_projects:
        for action in project["actions"]:
            action["orientation_info"] = orientation_by_id.get(action.get("orientation"))
    priorities = _by(ctx["priorites_transversales"], "id")
    for orientation in orientations:
        orientation["priorites_libelles"] = [
            priorities[key]["titre"]
            for key in orientation["priorites_transversales"]
            if key in priorities
        ]
    ledger = build_ledger(data)
    names = ledger_context.funder_names(signatories, ctx["partenaires"])
    for sheet in sheets:
        for objective in sheet["objectifs"]:
            objective["orientation_info"] = orientation_by_id.get(objective.get("orientation"))
    sheet_totals = ledger_means.sheet_means(ledger, sheets, names)
    investments = ctx["investissements"]
    for investment in investments:
        investment["orientation_info"] = orientation_by_id.get(investment.get("orientation"))
    plans = ledger_means.investment_plans(ledger, investments, names)
    _name_qpv_lists(ctx, qpv_by_code)
    for commune in ctx["territoire"]["communes"]:
        commune["quartiers"] = ", ".join(
            q["libelle"] for q in qpvs if commune.get("insee") in q["insee"]
        )
    instance_labels = labels(("gouvernance", "instances", 0, "type"))
    for instance in ctx["gouvernance"]["instances"]:
        instance["type_libelle"] = instance_labels.get(instance.get("type"), instance.get("type"))
    for area in ctx["territoire"]["territoires_vigilance"]:
        area["communes_noms"] = ", ".join(
            communes_by_insee.get(code, {}).get("nom") or code for code in area["communes"] if code
        )

    status = contrat.get("statut") or "projet"
    from generator.documents import formatting

    # no-break spaces inside the date: « 5 décembre 2024 » never splits in a running header
    date_text = (
        formatting.date_fr(contrat["date"]).replace(" ", "\u00a0") if contrat.get("date") else ""
    )
    if status == "final":
        mention = f"Version {contrat.get('version') or ''} du {date_text}".strip()
    else:
        mention = f"PROJET — version {contrat.get('version') or ''} du {date_text}"
    epci = ctx["territoire"]["epci"]
    titre = contrat.get("titre") or "Contrat de ville Engagements Quartiers 2030"
    from generator.description.legal_frame import legal_frame

    frame = legal_frame(q.get("code") for q in qpvs)
    signing_types = {
        s.get("type") for s in signatories_list if (s.get("role") or "signataire") == "signataire"
    }
    result = dict(ctx)
    result.update(
        {
            "territoire": dict(ctx["territoire"], qpv=qpvs, communes_par_insee=communes_by_insee),
            "quartiers": ordered_projects,
            "signataires": signatories_list,
            "signataires_signant": [
                s for s in signatories_list if (s.get("role") or "signataire") == "signataire"
            ],
            "partenaires_associes": [s for s in signatories_list if s.get("role") == "associe"],
            "engagements": sheets,
            "orientations": orientations,
            "doc": {
                "titre": titre,
                "sous_titre": contrat.get("sous_titre"),
                "version": contrat.get("version"),
                "statut": status,
                "statut_libelle": status_labels.get(status, status),
                "projet": status != "final",
                "date": contrat.get("date"),
                "mention": mention,
                "periode": frame.periode,
                "epci": epci.get("nom"),
                "brouillon": draft,
            },
            "cadre": frame.as_context(),
            "signent": {kind: kind in signing_types for kind in ("departement", "region")},
            "population_qpv": sum(int(q.get("population") or 0) for q in qpvs),
            # the projects' plans: their operations, loans included (they finance the project)
            "investissements_total": plans["total"],
            "investissements_prets": plans["prets"],
            "investissements_par_financeur": plans["par_financeur"],
            "engagements_totaux": sheet_totals,
            "equipe_projet_etp": sum(
                (_dec(m.get("etp")) for m in ctx["gouvernance"]["equipe_projet"]), Decimal(0)
            ),
            "annees": YEARS,
            "sommaire": Markup(TOC_MARK),
            "glossaire": [],  # the acronyms the documents use: set by the build (glossary.py)
            "outil": dict(tool or {}),
        }
    )
    result["finances"] = ledger_context.finances(
        ledger, ctx, names, orientations, qpvs, declared_scope
    )
    result["_signatories"] = signatories
    result["_qpv_by_code"] = qpv_by_code
    result["tfpb"] = [tfpb_convention(c, result) for c in ctx["tfpb"]]
    # the TFPB abatement of each landlord, beside (never added to) the credits of the ledger
    result["finances"]["abattements_tfpb"] = [
        {
            "libelle": c["bailleur_info"].get("nom") or c["bailleur"],
            "annees": c["annees"],
            "montants": [b["abattement"] for b in c["bilan"]],
            "total": c["total_abattement"],
        }
        for c in result["tfpb"]
    ]
    for i, convention in enumerate(result["tfpb"]):
        # « Annexe 2 » alone, « Annexe 2.1 », « 2.2 »… when there are several conventions
        many = len(result["tfpb"]) > 1
        convention["numero"] = f"{TFPB_ANNEX}.{i + 1}" if many else TFPB_ANNEX
    # drawn only when a template shows it (see documents/locator_map.py and render.py)
    result["carte_qpv"] = LocatorMap(tuple(q["code"] for q in qpvs if q.get("code")))
    del result["_signatories"], result["_qpv_by_code"]
    return result


def convention_context(context: dict, index: int) -> dict:
    """The context of one TFPB convention document: the contract's, plus `convention`."""
    return dict(context, convention=context["tfpb"][index])
