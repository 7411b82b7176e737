"""The one adapter between the spreadsheets stage and the money of a description.

Every figure the workbook shows comes from here, and here from the ledger (`generator.ledger`,
format 2): the annex tables are the ones the documents print (`documents.context`, which reads
the ledger), the ledger sheet lists the ledger's entries (loans apart: never added to grants).
"""

from __future__ import annotations

__all__ = ["annex_tables", "ledger_entries"]


def annex_tables(data: dict) -> dict:
    """The financial annex's tables, exactly as the document computes them."""
    from generator.documents.context import build_context

    return build_context(data)["finances"]


def ledger_entries(data: dict, finances: dict) -> list[dict]:
    """One entry per funder and year of each operation, in the order of the annex's detail."""
    financements = data.get("financements") if isinstance(data.get("financements"), dict) else {}
    sources = {}
    for op in financements.get("operations") or []:
        source = op.get("source") if isinstance(op, dict) else None
        if isinstance(source, dict) and source:
            rows = ", ".join(str(n) for n in source.get("lignes") or [])
            sources[op.get("id")] = f"{source.get('fichier', '')}, ligne(s) {rows}"
    entries = []
    for line in finances["lignes"]:
        entries.append(
            {
                "operation": line.get("operation") or "",
                "intitule": line.get("intitule") or line.get("dispositif") or "",
                "annee": line["annee"],
                "financeur": line.get("financeur_nom") or "",
                "nature": line.get("type_libelle") or "",
                "programme": line.get("programme") or "",
                "orientation": line.get("orientation_titre") or "",
                "qpv": line.get("qpv_libelle") or "Intercommunal",
                "statut": line.get("statut_libelle") or "",
                "montant": line["montant_dec"],
                "verse": line.get("verse"),
                "source": sources.get(line.get("operation"), ""),
            }
        )
    return entries
