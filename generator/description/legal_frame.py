"""The legal frame that follows a territory's QPV: the decree that lists them, the date from
which the list applies and the period of the contract.

Metropolitan QPV are listed by décret n° 2023-1314 du 28 décembre 2023 (from 1 January 2024,
contracts 2024-2030); overseas QPV (départements d'outre-mer, Saint-Martin, Polynésie française:
codes QN97…) by décret n° 2024-1212 du 27 décembre 2024 (from 1 January 2025, contracts
2025-2030). Sources: docs/sources.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

NNBSP = "\u202f"
NBHY = "\u2011"  # non-breaking hyphen: « 2023‑1314 » stays on one line


@dataclass(frozen=True)
class LegalFrame:
    outre_mer: bool
    mayotte: bool
    decret_numero: str
    decret_date: str
    decret_objet: str
    debut_liste: str  # date from which the list applies, in words
    annee_debut: int
    annee_fin: int = 2030

    @property
    def decret(self) -> str:
        return f"décret n°\u00a0{self.decret_numero} du {self.decret_date}"

    @property
    def periode(self) -> str:
        return f"{self.annee_debut}-{self.annee_fin}"

    @property
    def debut(self) -> str:
        return f"1er\u00a0janvier {self.annee_debut}"

    @property
    def fin(self) -> str:
        return f"31\u00a0décembre {self.annee_fin}"

    def as_context(self) -> dict:
        return {
            "outre_mer": self.outre_mer,
            "mayotte": self.mayotte,
            "decret": self.decret,
            "decret_objet": self.decret_objet,
            "debut_liste": self.debut_liste,
            "periode": self.periode,
            "annee_debut": self.annee_debut,
            "annee_fin": self.annee_fin,
            "debut": self.debut,
            "fin": self.fin,
        }


METROPOLE = LegalFrame(
    outre_mer=False,
    mayotte=False,
    decret_numero=f"2023{NBHY}1314",
    decret_date="28\u00a0décembre 2023",
    decret_objet="qui fixe la liste des quartiers prioritaires de la politique de la ville en "
    "métropole",
    debut_liste="1er\u00a0janvier 2024",
    annee_debut=2024,
)
OUTRE_MER = LegalFrame(
    outre_mer=True,
    mayotte=False,
    decret_numero=f"2024{NBHY}1212",
    decret_date="27\u00a0décembre 2024",
    decret_objet="qui fixe la liste des quartiers prioritaires de la politique de la ville dans "
    "les départements d'outre-mer, à Saint-Martin et en Polynésie française",
    debut_liste="1er\u00a0janvier 2025",
    annee_debut=2025,
)


def is_overseas(code: str) -> bool:
    """QN971… to QN989…: overseas départements and collectivités (QN + 3-character code)."""
    return code.startswith(("QN97", "QN98"))


def legal_frame(codes) -> LegalFrame:
    """The frame of a territory whose QPV have these codes (metropolitan when none is
    overseas; a territory that mixes both is reported by the rules)."""
    codes = [c for c in codes if isinstance(c, str)]
    if codes and all(is_overseas(c) for c in codes):
        if all(c.startswith("QN976") for c in codes):
            return replace(OUTRE_MER, mayotte=True)
        return OUTRE_MER
    return METROPOLE
