"""The one adapter between the spreadsheets stage and the money of a description.

Every figure the workbook shows comes from here. Until the ledger (generator/ledger, format 2)
lands, the annex tables are the ones the documents print (`documents.context.finances`, computed
once there), and the ledger sheet lists the format-1 lines and the format-2 operations as they
are written; when it lands, these two functions read `generator.ledger` and nothing else changes.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["annex_tables", "ledger_entries"]


def annex_tables(data: dict) -> dict:
    """The financial annex's tables, exactly as the document computes them."""
    from generator.documents.context import build_context

    return build_context(data)["finances"]


def ledger_entries(data: dict, finances: dict) -> list[dict]:
    """One entry per funder and year of each operation (and per format-1 line), in order."""
    entries = []
    for line in finances["lignes"]:
        entries.append(
            {
                "operation": "",
                "intitule": line.get("dispositif") or "",
                "annee": line["annee"],
                "financeur": line.get("financeur_nom") or "",
                "nature": line.get("type_libelle") or "",
                "programme": line.get("programme") or "",
                "orientation": line.get("orientation_titre") or "",
                "qpv": line.get("qpv_libelle") or "Intercommunal",
                "statut": line.get("statut_libelle") or "",
                "montant": line["montant_dec"],
                "verse": None,
                "source": "",
            }
        )
    financements = data.get("financements") if isinstance(data.get("financements"), dict) else {}
    names = {
        s.get("id"): s.get("nom")
        for s in [*(data.get("signataires") or []), *(data.get("partenaires") or [])]
        if isinstance(s, dict)
    }
    for op in financements.get("operations") or []:
        if not isinstance(op, dict):
            continue
        shares = op.get("repartition")
        qpv = (
            ", ".join(str(s.get("qpv")) for s in shares if isinstance(s, dict))
            if isinstance(shares, list)
            else "Intercommunal"
        )
        source = op.get("source") if isinstance(op.get("source"), dict) else {}
        where = ""
        if source:
            rows = ", ".join(str(n) for n in source.get("lignes") or [])
            where = f"{source.get('fichier', '')}, ligne(s) {rows}"
        for funder in op.get("financeurs") or []:
            for year in funder.get("annees") or []:
                entries.append(
                    {
                        "operation": op.get("id", ""),
                        "intitule": op.get("intitule", ""),
                        "annee": year.get("annee"),
                        "financeur": names.get(funder.get("financeur")) or funder.get("financeur"),
                        "nature": op.get("nature", ""),
                        "programme": op.get("programme", ""),
                        "orientation": op.get("orientation", ""),
                        "qpv": qpv,
                        "statut": year.get("statut", ""),
                        "montant": Decimal(str(year.get("montant", 0))),
                        "verse": Decimal(str(year["verse"])) if "verse" in year else None,
                        "source": where,
                    }
                )
    return entries
