"""The example « signed in 2024, revised for 2027 », built from contracts/creil-sud-oise.

`revise_for_2027(root)` edits a copy of the example in place, as a pilot would in 2027: new
amounts for 2028-2030, a joining partner (Bpifrance, which funds a new operation), a reworded
orientation, a changed projet de quartier, a changed TFPB programme, and a funder's form swap
(the Ville de Montataire's own funds become a valuation). Used by the tests of the avenant and
the evaluation; `python tests/revoyure.py DOSSIER` writes the example in DOSSIER (signed on
12 June 2024 first) for a look at the documents.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "contracts" / "creil-sud-oise"
SIGNED_ON = "2024-06-12"

NEW_OPERATION = """    - id: pret-d-honneur-entrepreneurs-qpv
      intitule: Prêts d'honneur et accompagnement des créateurs d'entreprise des QPV
      nature: droit_commun
      orientation: emploi-insertion
      repartition: intercommunale
      financeurs:
        - financeur: bpifrance
          forme: subvention
          dispositif: Entrepreneuriat Quartiers 2030
          annees:
            - {annee: 2028, montant: 40000, statut: programme}
            - {annee: 2029, montant: 40000, statut: programme}
            - {annee: 2030, montant: 40000, statut: programme}
"""


def sub(path: Path, old: str, new: str, *, after: str | None = None) -> None:
    """Replace the first `old` (after the first `after`, if given) in `path`; it must be there."""
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    position = text.index(old, start)
    path.write_text(text[:position] + new + text[position + len(old) :], encoding="utf-8")


def revise_for_2027(root: Path) -> None:
    sub(
        root / "orientations.yaml",
        "titre: Emploi, insertion et",
        "titre: Emploi, insertion, formation et",
    )
    sub(
        root / "quartiers" / "QN06002M.yaml",
        "portrait: |\n",
        "portrait: |\n  Depuis 2024, la place a été rénovée.\n",
    )
    financing = root / "financements.yaml"
    for year in (2028, 2029, 2030):  # the new 2028-2030 tables
        sub(
            financing,
            f"{{annee: {year}, montant: 405000, statut: programme}}",
            f"{{annee: {year}, montant: 420000, statut: programme}}",
            after="- id: adultes-relais",
        )
    sub(financing, "forme: fonds_propres", "forme: valorisation", after="commune-montataire")
    sub(financing, "  operations:\n", "  operations:\n" + NEW_OPERATION)
    sub(
        root / "tfpb" / "clesence.yaml",
        "libelle: Permanence hebdomadaire",
        "libelle: Deux permanences hebdomadaires",
    )
    sub(
        root / "contrat.yaml",
        "signataires:\n",
        "signataires:\n  - id: bpifrance\n    nom: Bpifrance\n    type: autre\n"
        "    representant: le directeur régional de Bpifrance\n",
    )


def signed_and_revised(target: Path) -> Path:
    """A copy of the example in `target`, signed on 12 June 2024, then revised for 2027."""
    from generator.amendment.signing import sign_territory
    from generator.documents.templates import load_template_set

    shutil.copytree(EXAMPLE, target)
    sign_territory(target, SIGNED_ON, load_template_set())
    revise_for_2027(target)
    return target


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    folder = signed_and_revised(Path(sys.argv[1]))
    print(f"exemple signé le {SIGNED_ON} et révisé pour 2027 : {folder}")


FRAMEWORK = """  cadre:
    - question: Les habitants des quartiers accèdent-ils davantage à l'emploi ?
      indicateurs: [taux-emploi, demandeurs-emploi-accompagnes]
      sources:
        - France Travail, tableau de bord des demandeurs d'emploi des QPV
    - question: La réussite éducative progresse-t-elle dans les collèges REP+ ?
      indicateurs: [maitrise-francais-6e]
      analyse: |
        Les évaluations de sixième progressent, plus vite aux Hauts de Creil.
    - question: Les associations sont-elles soutenues dans la durée ?
      indicateurs: [credits-cpo, taux-pauvrete]
"""

FOLLOW_UP_2026 = """# Suivi de l'année 2026 (fictif) : écrit par tests/revoyure.py pour l'évaluation 2027.
annee: 2026

indicateurs:
  - {id: taux-emploi, valeur: 47.4, date: 2026-06-30, source: "INSEE, recensement 2022"}
  - {id: maitrise-francais-6e, valeur: 56, date: 2026-10-15, source: DSDEN de l'Oise}
  - {id: credits-cpo, valeur: 44, date: 2026-12-31, source: DDETS de l'Oise}

operations:
  - {id: cite-educative-de-creil, verse: 450000, statut: verse, realisation: realise}
  - {id: adultes-relais, verse: 405000, statut: verse, realisation: realise}

engagements:
  - {signataire: etat, objectif: 1, statut: realise}
  - {signataire: etat, objectif: 2, statut: en_cours}
  - {signataire: commune-nogent-sur-oise, objectif: 2, statut: reporte, commentaire: "Ludothèque ouverte en 2027."}
"""


def evaluation_2027(root: Path) -> None:
    """The framework of the mid-term evaluation, and the 2026 follow-up, added to `root`."""
    sub(root / "evaluation.yaml", "evaluation:\n", "evaluation:\n" + FRAMEWORK)
    (root / "suivi" / "2026.yaml").write_text(FOLLOW_UP_2026, encoding="utf-8")
