"""The money of the documents, read from the ledger only: the tables of the financial annex
and of §7 (the investment plans of §5 and the means of the commitment sheets of §6 and annex
A4 are in `ledger_means`).

Every figure comes from `generator.ledger` (one computation of each total), so §5, §6, §7 and the
annex agree by construction. Loans are never added to grants: the tables count subsidies, own
funds and valorisation, and loans are shown apart (`finances.par_forme`, `finances.prets`).
"""

from __future__ import annotations

from decimal import Decimal

from generator.description.schema import labels
from generator.documents.ledger_means import quantities
from generator.ledger.model import COUNTED_FORMS, FORMS, NATURES, YEARS, Ledger

NOT_PROGRAMMED = "non programmé"


def _row(label: str, amounts: dict[int, Decimal], years, programmed=None, **extra) -> dict:
    """A row of a table per year; `montants_ou_vide` holds None for a year with no operation
    at all (the template prints « non programmé », never « 0 € »)."""
    values = [amounts.get(y, Decimal(0)) for y in years]
    programmed = set(years) if programmed is None else programmed
    shown = [a if y in programmed else None for y, a in zip(years, values, strict=True)]
    return {
        "libelle": label,
        "montants": values,
        "montants_ou_vide": shown,
        "total": sum(values, Decimal(0)),
        **extra,
    }


def _table(grouped: dict, groups: list[tuple[object, str]], years, programmed=None) -> dict:
    rows = [
        _row(label, grouped[k], years, programmed, cle=k) for k, label in groups if k in grouped
    ]
    totals = [sum((r["montants"][i] for r in rows), Decimal(0)) for i in range(len(years))]
    programmed = set(years) if programmed is None else programmed
    return {
        "lignes": rows,
        "totaux": totals,
        "totaux_ou_vide": [
            t if y in programmed else None for y, t in zip(years, totals, strict=True)
        ],
        "total": sum(totals, Decimal(0)),
    }


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
    declared_scope: frozenset[str] | None = None,
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
    programmed = {e.year.year for e in ledger.entries(forms=None)}
    by_nature = ledger.by_nature()
    by_funder = ledger.by_funder()
    funder_type_rows = []
    for fid, name in funders:
        for nature in NATURES:
            amounts = ledger.by_year(funder=fid, nature=nature)
            if amounts:
                funder_type_rows.append(
                    {
                        **_row(name, amounts, years, programmed),
                        "type_libelle": nature_labels.get(nature),
                    }
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
        row["programme"] = year in programmed
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
            "cle": form,
            "libelle": form_labels.get(form, form),
            "total": sum(forms_table.get(form, {}).values(), Decimal(0)),
            "additionne": form in COUNTED_FORMS,
        }
        for form in FORMS
    }
    mode_groups = [(m, label) for m, label in mode_labels.items()] + [(None, "Non précisé")]
    declared = declared_totals(ledger, ctx, names, nature_labels, declared_scope)
    cpo, association = ledger.association_funding()
    table = _table(by_nature, [(n, nature_labels.get(n, n)) for n in NATURES], years, programmed)
    return {
        "annees": years,
        "lignes": lines,
        "lignes_par_annee": lines_by_year,
        "par_annee": year_rows,
        "annees_non_programmees": [r["annee"] for r in year_rows if not r["programme"]],
        "par_financeur_synthese": funder_summary,
        "totaux_par_type": by_credit(),
        "par_type": table,
        "par_financeur": _table(by_funder, funders, years, programmed),
        "par_financeur_et_type": funder_type_rows,
        "par_orientation": _table(by_orientation, orientation_groups, years, programmed),
        "par_qpv": _table(by_qpv, qpv_groups, years, programmed),
        "par_mode": _table(ledger.by_mode(), mode_groups, years, programmed),
        "par_forme": [f for f in forms.values() if f["total"]],
        "prets": forms["pret"]["total"],
        "totaux_annonces": declared,
        "cpo": {
            "montant": cpo,
            "associations": association,
            "part": ledger.cpo_share(),
        },
        "quantites": quantities(ledger),
        "prets_detail": [
            {"libelle": names.get(fid, fid), "montant": sum(amounts.values(), Decimal(0))}
            for fid, amounts in ledger.by_funder(forms={"pret"}).items()
        ],
        "total": table["total"],
        "nombre_lignes": len(lines),
        "nombre_operations": len(ledger.operations),
    }


def declared_totals(
    ledger: Ledger, ctx: dict, names: dict, nature_labels: dict, scope_ops=None
) -> list[dict]:
    """Every declared total, with its label, the ledger's figure and the gap (0: ✔); over
    `scope_ops` only when given (a format-1 description: its lines)."""
    from generator.ledger.build import declared_total_sum

    out = []
    for total in ctx["financements"]["totaux"]:
        declared = Decimal(str(total.get("montant") or 0))
        computed = declared_total_sum(ledger, total, scope_ops)
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
            }
        )
    return out
