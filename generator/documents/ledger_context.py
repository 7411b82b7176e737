"""The money of the documents, read from the ledger only: the tables of the financial annex,
the investment plans of §5, the means of the commitment sheets (§6, annex A4) and §7.

Every figure comes from `generator.ledger` (one computation of each total), so §5, §6, §7 and the
annex agree by construction. Loans are never added to grants: the tables count subsidies, own
funds and valorisation, and loans are shown apart (`finances.par_forme`, `finances.prets`).
"""

from __future__ import annotations

from decimal import Decimal

from generator.description.schema import labels
from generator.ledger.model import COUNTED_FORMS, FORMS, NATURES, UNITS, YEARS, Ledger

NOT_PROGRAMMED = "non programmé"


def _row(label: str, amounts: dict[int, Decimal], years, **extra) -> dict:
    values = [amounts.get(y, Decimal(0)) for y in years]
    shown = [a if y in amounts else None for y, a in zip(years, values, strict=True)]
    return {
        "libelle": label,
        "montants": values,
        "montants_ou_vide": shown,
        "total": sum(values, Decimal(0)),
        **extra,
    }


def _table(grouped: dict, groups: list[tuple[object, str]], years) -> dict:
    rows = [_row(label, grouped[k], years, cle=k) for k, label in groups if k in grouped]
    totals = [sum((r["montants"][i] for r in rows), Decimal(0)) for i in range(len(years))]
    return {"lignes": rows, "totaux": totals, "total": sum(totals, Decimal(0))}


def funder_names(signatories: dict[str, dict], partners: list[dict]) -> dict[str, str]:
    names = {sid: s.get("nom") or sid for sid, s in signatories.items()}
    for partner in partners:
        if partner.get("id") and partner["id"] not in names:
            names[partner["id"]] = partner.get("nom") or partner["id"]
    return names


def finances(
    ledger: Ledger,
    ctx: dict,
    names: dict[str, str],
    orientations: list[dict],
    qpvs: list[dict],
) -> dict:
    """The tables of the financial annex and of §7, per year."""
    years = list(YEARS)
    nature_labels = labels(("financements", "operations", 0, "nature"))
    status_labels = labels(
        ("financements", "operations", 0, "financeurs", 0, "annees", 0, "statut")
    )
    form_labels = labels(("financements", "operations", 0, "financeurs", 0, "forme"))
    mode_labels = labels(("financements", "operations", 0, "mode"))
    orientation_titles = {o["id"]: o["titre"] for o in orientations}
    qpv_names = {q["code"]: q["libelle"] for q in qpvs}
    funder_rank = {sid: i for i, sid in enumerate(names)}

    lines = []
    for entry in ledger.entries():
        op, contribution = entry.operation, entry.contribution
        qpv_text = ", ".join(
            f"{qpv_names.get(s.qpv, s.qpv)} ({(100 * s.fraction).normalize():f} %)"
            if len(op.shares) > 1
            else qpv_names.get(s.qpv, s.qpv)
            for s in op.shares
            if s.qpv is not None
        )
        lines.append(
            {
                "annee": entry.year.year,
                "operation": op.id,
                "intitule": op.label,
                "financeur": contribution.funder,
                "financeur_nom": names.get(contribution.funder, contribution.funder),
                "programme": op.programme,
                "dispositif": op.label
                + (f" ({contribution.scheme})" if contribution.scheme else ""),
                "type": op.nature,
                "type_libelle": nature_labels.get(op.nature, op.nature),
                "forme_libelle": form_labels.get(contribution.form, contribution.form),
                "statut_libelle": status_labels.get(entry.year.status, entry.year.status),
                "orientation_titre": orientation_titles.get(op.orientation),
                "qpv_libelle": qpv_text or None,
                "montant_dec": entry.amount,
                "verse": entry.year.paid,
            }
        )
    lines.sort(
        key=lambda li: (
            li["annee"],
            funder_rank.get(li["financeur"], 999),
            NATURES.index(li["type"]) if li["type"] in NATURES else 9,
            li["dispositif"] or "",
        )
    )
    # every funder once, in the order of the description (signatories, then partners); an
    # unknown identifier (reported by the validation) is listed after them
    funders = list(names.items())
    funders += sorted(
        {(li["financeur"], li["financeur"]) for li in lines if li["financeur"] not in names}
    )
    by_nature = ledger.by_nature()
    by_funder = ledger.by_funder()
    funder_type_rows = []
    for fid, name in funders:
        for nature in NATURES:
            amounts = ledger.by_year(funder=fid, nature=nature)
            if amounts:
                funder_type_rows.append(
                    {**_row(name, amounts, years), "type_libelle": nature_labels.get(nature)}
                )

    def by_credit(**filters) -> dict:
        sums = {n: ledger.total(nature=n, **filters) for n in NATURES}
        return {**sums, "total": sum(sums.values(), Decimal(0))}

    funder_summary = [
        {"libelle": name, "cle": fid, **by_credit(funder=fid)}
        for fid, name in funders
        if fid in by_funder
    ]
    year_rows = []
    for year in years:
        row = {"annee": year, **by_credit(year=year)}
        row["programme"] = any(True for _ in ledger.entries(year=year, forms=None))
        row["mention"] = None if row["programme"] else NOT_PROGRAMMED
        year_rows.append(row)
    lines_by_year = [
        {"annee": y, "lignes": subset, "total": sum((x["montant_dec"] for x in subset), Decimal(0))}
        for y in years
        if (subset := [x for x in lines if x["annee"] == y])
    ]
    orientation_groups = [(o["id"], o["titre"]) for o in orientations] + [(None, "Transversal")]
    by_orientation: dict = {}
    for key, amounts in ledger.by_orientation().items():
        merged = by_orientation.setdefault(key if key in orientation_titles else None, {})
        for year, amount in amounts.items():
            merged[year] = merged.get(year, Decimal(0)) + amount
    qpv_groups = [(q["code"], f"{q['libelle']} ({q['code']})") for q in qpvs] + [
        (None, "Intercommunal")
    ]
    by_qpv = ledger.by_qpv()
    forms_table = ledger.by_form()
    forms = {
        form: {
            "libelle": form_labels.get(form, form),
            "total": sum(forms_table.get(form, {}).values(), Decimal(0)),
            "additionne": form in COUNTED_FORMS,
        }
        for form in FORMS
    }
    mode_groups = [(m, label) for m, label in mode_labels.items()] + [(None, "Non précisé")]
    declared = declared_totals(ledger, ctx, names, nature_labels)
    cpo, association = ledger.association_funding()
    table = _table(by_nature, [(n, nature_labels.get(n, n)) for n in NATURES], years)
    return {
        "annees": years,
        "lignes": lines,
        "lignes_par_annee": lines_by_year,
        "par_annee": year_rows,
        "annees_non_programmees": [r["annee"] for r in year_rows if not r["programme"]],
        "par_financeur_synthese": funder_summary,
        "totaux_par_type": by_credit(),
        "par_type": table,
        "par_financeur": _table(by_funder, funders, years),
        "par_financeur_et_type": funder_type_rows,
        "par_orientation": _table(by_orientation, orientation_groups, years),
        "par_qpv": _table(by_qpv, qpv_groups, years),
        "par_mode": _table(ledger.by_mode(), mode_groups, years),
        "par_forme": [f for f in forms.values() if f["total"]],
        "prets": forms["pret"]["total"],
        "totaux_annonces": declared,
        "cpo": {
            "montant": cpo,
            "associations": association,
            "part": ledger.cpo_share(),
        },
        "quantites": quantities(ledger),
        "total": table["total"],
        "nombre_lignes": len(lines),
        "nombre_operations": len(ledger.operations),
    }


def quantities(ledger: Ledger, operations=None) -> list[dict]:
    unit_labels = labels(("financements", "operations", 0, "quantites", 0, "unite"))
    return [
        {"unite": unit, "libelle": unit_labels.get(unit, unit), "valeur": value}
        for unit, value in ledger.quantities_by_unit(operations).items()
    ]


def declared_totals(ledger: Ledger, ctx: dict, names: dict, nature_labels: dict) -> list[dict]:
    """Every declared total, with its label, the ledger's figure and the gap (0: ✔)."""
    from generator.ledger.build import declared_total_sum

    out = []
    for total in ctx["financements"]["totaux"]:
        declared = Decimal(str(total.get("montant") or 0))
        computed = declared_total_sum(ledger, total)
        scope = [
            str(total["annee"]) if total.get("annee") else "2024-2030",
            names.get(total.get("financeur"), "tous financeurs")
            if total.get("financeur")
            else "tous financeurs",
            nature_labels.get(total.get("nature"), "toutes natures")
            if total.get("nature")
            else "toutes natures",
        ]
        out.append(
            {
                "libelle": total.get("libelle") or "Total annoncé (" + ", ".join(scope) + ")",
                "perimetre": ", ".join(scope),
                "montant": declared,
                "calcule": computed,
                "ecart": declared - computed,
                "concorde": declared == computed,
                "marque": "✔" if declared == computed else f"écart {declared - computed}",
            }
        )
    return out


def investment_plans(ledger: Ledger, investments: list[dict], names: dict) -> list[dict]:
    """Give each project its financing plan from its operations; returns the plan per funder."""
    form_labels = labels(("financements", "operations", 0, "financeurs", 0, "forme"))
    consolidated: dict[str, Decimal] = {}
    for project in investments:
        plan = []
        for op_id in project.get("operations") or []:
            op = ledger.operation(op_id)
            if op is None:
                continue
            for contribution in op.contributions:
                name = names.get(contribution.funder, contribution.funder)
                plan.append(
                    {
                        "financeur": contribution.funder,
                        "financeur_nom": name,
                        "dispositif": contribution.scheme
                        or (
                            form_labels.get(contribution.form)
                            if contribution.form != "subvention"
                            else None
                        ),
                        "forme": contribution.form,
                        "forme_libelle": form_labels.get(contribution.form),
                        "montant": contribution.total,
                    }
                )
                consolidated[name] = consolidated.get(name, Decimal(0)) + contribution.total
        project["plan_financement"] = plan
        project["financement_total"] = sum((p["montant"] for p in plan), Decimal(0))
    return [{"libelle": name, "montant": amount} for name, amount in consolidated.items()]


def sheet_means(ledger: Ledger, sheets: list[dict]) -> dict:
    """Each objective's means from its operations; the totals of all sheets, each operation
    counted once and quantities per unit."""
    all_ops: set[str] = set()
    own_quantities: dict[str, Decimal] = {}
    for sheet in sheets:
        sheet_ops: set[str] = set()
        for objective in sheet["objectifs"]:
            means = objective["moyens"]
            refs = [r for r in means.get("operations") or [] if ledger.operation(r)]
            sheet_ops.update(refs)
            yearly = ledger.by_year(operations=refs) if refs else {}
            means["montant_annuel"] = annual(yearly)
            means["montants_par_annee"] = yearly
            for quantity in means.get("quantites") or []:
                unit = quantity.get("unite")
                value = Decimal(str(quantity.get("valeur") or 0))
                own_quantities[unit] = own_quantities.get(unit, Decimal(0)) + value
            found = ledger.quantities_by_unit(refs)
            for quantity in means.get("quantites") or []:
                unit = quantity.get("unite")
                found[unit] = found.get(unit, Decimal(0)) + Decimal(
                    str(quantity.get("valeur") or 0)
                )
            means["etp"] = found.get("etp")
            means["places"] = found.get("places")
            means["quantites_par_unite"] = [
                {"unite": u, "valeur": found[u]} for u in UNITS if u in found
            ]
        yearly = ledger.by_year(operations=sheet_ops) if sheet_ops else {}
        sheet["montant_annuel_total"] = annual(yearly) or Decimal(0)
        found = ledger.quantities_by_unit(sheet_ops)
        sheet["etp_total"] = found.get("etp", Decimal(0))
        sheet["places_total"] = found.get("places", Decimal(0))
        sheet["nombre_objectifs"] = len(sheet["objectifs"])
        all_ops |= sheet_ops
    yearly = ledger.by_year(operations=all_ops) if all_ops else {}
    found = ledger.quantities_by_unit(all_ops)
    for unit, value in own_quantities.items():
        found[unit] = found.get(unit, Decimal(0)) + value
    return {
        "nombre_objectifs": sum(s["nombre_objectifs"] for s in sheets),
        "montant_annuel_total": annual(yearly) or Decimal(0),
        "etp_total": found.get("etp", Decimal(0)),
        "places_total": found.get("places", Decimal(0)),
        "quantites": [{"unite": u, "valeur": found[u]} for u in UNITS if u in found],
        "montant_total": sum(yearly.values(), Decimal(0)),
    }


def annual(yearly: dict[int, Decimal]) -> Decimal | None:
    """The amount per year: the same every year, or the mean over the programmed years."""
    values = [v for v in yearly.values() if v]
    if not values:
        return None
    if len(set(values)) == 1:
        return values[0]
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal(1))
