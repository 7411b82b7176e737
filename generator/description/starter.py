"""`cdv init`: a commented starter description for a new territory.

The starter is written in a temporary folder next to the target, then renamed: a pilot never
finds a half-written folder, and an existing folder is never touched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

from generator.description.characters import forbidden_character
from generator.description.file_text import os_reason
from generator.description.reference import ReferenceQPV, qpv_reference

SCHEMA_REL = "schemas/contrat-de-ville.schema.json"

# Who represents the State, by département (the five of Hauts-de-France; others are generic).
_PREFETS = {
    "02": "le préfet de l'Aisne",
    "59": "le préfet du Nord",
    "60": "le préfet de l'Oise",
    "62": "le préfet du Pas-de-Calais",
    "80": "le préfet de la Somme",
}


class StarterError(Exception):
    """Why the starter could not be written (French message)."""


def _q(text: str) -> str:
    """A YAML double-quoted string (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "commune"


def _schema_line(depth: int | None, schema: str = SCHEMA_REL) -> str:
    if depth is None:  # outside the project tree: point at the installed schema
        from generator.description.schema import SCHEMA_DIR

        target = SCHEMA_DIR / schema.removeprefix("schemas/")
        return f"# yaml-language-server: $schema={target.as_uri()}\n"
    return f"# yaml-language-server: $schema={'../' * depth}{schema}\n"


def _section_schema_line(depth: int | None, name: str) -> str:
    """The first line of a section file: the schema of that section, not the whole contract's."""
    from generator.description.schema_files import schema_for_file

    return _schema_line(depth, f"schemas/{schema_for_file(name)}")


def _communes(qpvs: list[ReferenceQPV]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for qpv in qpvs:
        for insee, name in zip(qpv.insee, qpv.communes, strict=False):
            seen.setdefault(insee, name)
    return sorted(seen.items(), key=lambda item: item[1])


def starter_files(epci: str, codes: list[str], depth: int | None, today: dt.date) -> dict[str, str]:
    """File name (relative to the territory folder) -> text."""
    reference = qpv_reference()
    unknown = [c for c in codes if c not in reference]
    if unknown:
        raise StarterError(
            "code(s) QPV absent(s) de la liste officielle de 2024 : "
            + ", ".join(unknown)
            + " (format QN + département sur 3 caractères + 2 chiffres + lettre, ex. QN06001M)"
        )
    qpvs = [reference[c] for c in dict.fromkeys(codes)]
    communes = _communes(qpvs)
    departement = qpvs[0].departement if qpvs else ""
    prefet = _PREFETS.get(departement, "le préfet de département")
    files: dict[str, str] = {}

    qpv_lines = (
        "".join(
            f"    - code: {q.code}  # {q.nom} ({q.communes_label})\n"
            f"      # population: 0000  # nombre d'habitants du quartier, à compléter\n"
            for q in qpvs
        )
        or "    []  # ajoutez vos QPV : - code: QN06001M\n"
    )
    commune_lines = (
        "".join(f"    - nom: {_q(name)}\n      insee: {_q(insee)}\n" for insee, name in communes)
        or '    - nom: "À compléter"\n      insee: "00000"\n'
    )
    commune_signatories = "".join(
        f"  - id: commune-{_slug(name)}\n"
        f"    nom: {_q('Commune de ' + name)}\n"
        f"    type: commune\n"
        f"    insee: {_q(insee)}\n"
        f"    representant: {_q('le maire de ' + name)}\n"
        for insee, name in communes
    )
    files["contrat.yaml"] = (
        _schema_line(depth)
        + f"""# Description du contrat de ville de : {epci}
# Ce dossier peut être un seul fichier ou plusieurs : une section par fichier
# (gouvernance.yaml, financements.yaml…) et, pour ce que les partenaires envoient,
# un fichier par élément (engagements/<signataire>.yaml, tfpb/<bailleur>.yaml,
# quartiers/<code QPV>.yaml). Vérifiez à tout moment avec : cdv valider <dossier>
format: 2

# Le document : sa version, son statut (projet tant qu'il n'est pas signé, puis final)
# et la date de cette version (AAAA-MM-JJ).
contrat:
  version: "0.1"
  statut: projet
  date: {today.isoformat()}
  # preambule: |
  #   Texte du préambule propre au territoire.
  # bilan_contrat_precedent: |
  #   Ce que le territoire retient du contrat de ville 2015-2023.

# Le territoire : l'EPCI, ses communes (codes INSEE entre guillemets) et ses QPV.
# Les noms et communes des QPV sont repris de la liste officielle de 2024.
territoire:
  epci:
    nom: {_q(epci)}
    # siren: "200000000"
  communes:
{commune_lines}  qpv:
{qpv_lines}  # territoires_vigilance:   # quartiers suivis hors QPV
  #   - nom: "Ancien quartier prioritaire"
  #     description: Pourquoi et comment il reste suivi.

# Les signataires : chacun a un identifiant court auquel renvoient les engagements,
# les financements et les conventions TFPB. L'État, l'EPCI et au moins une commune
# signent ; le département, la région, la CAF, France Travail, les bailleurs… aussi.
signataires:
  - id: etat
    nom: "l'État"
    type: etat
    representant: {_q(prefet)}
  - id: epci
    nom: {_q(epci)}
    type: epci
    representant: "le président"
{commune_signatories}"""
    )
    files["orientations.yaml"] = (
        _section_schema_line(depth, "orientations.yaml")
        + """# Le socle intercommunal : quelques orientations, chacune avec au moins un objectif
# chiffré (valeur de référence, cible 2027, cible 2030).
orientations: []
# orientations:
#   - id: emploi
#     titre: Favoriser l'accès à l'emploi
#     enjeu: |
#       Le constat et l'ambition.
#     objectifs:
#       - libelle: Réduire l'écart de taux d'emploi avec l'agglomération
#         actions:
#           - Permanences de France Travail dans les quartiers
#         indicateur:
#           libelle: Taux d'emploi des 15-64 ans
#           unite: "%"
#           valeur_reference: 45
#           annee_reference: 2020
#           cible_2027: 48
#           cible_2030: 52
"""
    )
    files["gouvernance.yaml"] = (
        _section_schema_line(depth, "gouvernance.yaml")
        + """# Les instances du contrat. Une instance de pilotage est obligatoire et les conseils
# citoyens y siègent (article 7 de la loi du 21 février 2014).
gouvernance:
  instances:
    - nom: Comité de pilotage
      type: pilotage
      presidence: Le préfet et le président de l'EPCI
      conseils_citoyens: true
      frequence: deux fois par an
    - nom: Comité technique
      type: technique
      conseils_citoyens: true
      frequence: tous les trimestres
  equipe_projet: []
  # equipe_projet:
  #   - fonction: Chef de projet politique de la ville
  #     etp: 1
"""
    )
    conseils = "".join(
        f"    - nom: {_q('Conseil citoyen ' + q.nom)}\n      qpv: [{q.code}]\n" for q in qpvs
    )
    files["participation.yaml"] = (
        _section_schema_line(depth, "participation.yaml")
        + f"""# Le volet participation citoyenne : un conseil citoyen par QPV (sa place, ses moyens,
# sa formation) et les autres formats de participation.
participation:
  conseils_citoyens:
{conseils or "    []"}
"""
    )
    files["financements.yaml"] = (
        _section_schema_line(depth, "financements.yaml")
        + """# Le registre des opérations : chaque euro y est écrit une fois, et l'annexe financière,
# les parties 5, 6 et 7 en sont calculées. Une opération par action ou dispositif, avec ses
# financeurs et leurs montants par année ; les projets d'investissement et les fiches
# d'engagement la citent par son identifiant (operations: [cite-educative]).
#   nature : specifique, droit_commun ou investissement
#   repartition : intercommunale, ou une liste de QPV avec leur part en %
#   mode : appel_a_projets, cpo, adultes_relais, fonjep, subvention_investissement ou autre
#   forme d'un financeur : subvention, pret (jamais additionné aux subventions),
#     fonds_propres ou valorisation ; statut d'une année : demande, programme, notifie,
#     engage, verse ou solde
# Un financeur est l'identifiant d'un signataire, ou d'un partenaire qui ne signe pas
# (section partenaires, dans contrat.yaml).
financements:
  operations: []
  # operations:
  #   - id: cite-educative
  #     intitule: Cité éducative
  #     nature: specifique
  #     programme: BOP 147
  #     repartition:
  #       - {qpv: QN06001M, part: 60}
  #       - {qpv: QN06002M, part: 40}
  #     mode: appel_a_projets
  #     financeurs:
  #       - financeur: etat
  #         forme: subvention
  #         annees:
  #           - {annee: 2024, montant: 250000, statut: notifie}
  #           - {annee: 2025, montant: 250000, statut: programme}
"""
    )
    for qpv in qpvs:
        files[f"quartiers/{qpv.code}.yaml"] = (
            _schema_line(
                None if depth is None else depth + 1, "schemas/projet-quartier.schema.json"
            )
            + f"""# Projet de quartier : {qpv.nom} ({qpv.communes_label})
qpv: {qpv.code}
portrait: |
  À compléter : qui vit dans le quartier, ses atouts, ses difficultés.
priorites_habitants: []
actions: []
"""
        )
    return files


def write_starter(
    folder: Path, epci: str, codes: list[str], today: dt.date | None = None
) -> list[Path]:
    """Write the starter in `folder`, which must not exist. Returns the files written."""
    if folder.exists():
        raise StarterError(
            f"le dossier {folder} existe déjà : rien n'a été écrit (choisissez un autre nom)"
        )
    if not epci.strip():
        raise StarterError("le nom de l'EPCI est vide (--epci \"Communauté d'agglomération …\")")
    _refuse_forbidden(epci.strip())
    parent = folder.resolve().parent
    _refuse_inside_territory(folder, parent)
    depth = _depth_to_project(parent)
    files = starter_files(
        epci.strip(), [c.strip().upper() for c in codes], depth, today or dt.date.today()
    )
    staging = None
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=parent))
        for name, text in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        os.rename(staging, folder)
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise StarterError(
            f"impossible d'écrire {folder} : {os_reason(exc)} ; choisissez un dossier où vous "
            "avez le droit d'écrire (par exemple dans contracts/ de votre copie du dépôt)"
        ) from exc
    return [folder / name for name in files]


def _refuse_forbidden(epci: str) -> None:
    """A name cdv itself would refuse at validation is refused here (a control character)."""
    found = forbidden_character(epci)
    if found is None and any(c in epci for c in "\t\n\r"):
        found = (0, "tabulation ou saut de ligne : le nom tient sur une ligne")
    if found is not None:
        raise StarterError(
            f"nom de l'EPCI refusé : {found[1]} ; rien n'a été écrit "
            '(--epci "Communauté d\'agglomération …")'
        )


def _refuse_inside_territory(folder: Path, parent: Path) -> None:
    """A new territory is never written inside another one (`contracts/x/quartiers`): its
    files would become part of that territory and break it."""
    from generator.description.load import MAIN_FILE, is_territory

    enclosing = next((p for p in (parent, *parent.parents) if (p / MAIN_FILE).is_file()), None)
    if enclosing is None and parent.is_dir() and is_territory(parent):
        enclosing = parent
    if enclosing is not None:
        raise StarterError(
            f"le dossier {folder} serait à l'intérieur du territoire {enclosing} : rien n'a été "
            "écrit ; créez le nouveau territoire à côté des autres (par exemple "
            f"contracts/{folder.name})"
        )


def _depth_to_project(parent: Path) -> int | None:
    """How many `..` lead from the territory folder to the folder holding `schemas/`."""
    for depth, candidate in enumerate([parent, *parent.parents], start=1):
        if (candidate / SCHEMA_REL).is_file():
            return depth
    return None
