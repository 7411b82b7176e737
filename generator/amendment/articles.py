"""From the semantic diff to the articles of an avenant.

Every change that `generator.compare` reports (a `Change`, found by identifier) is assigned to
exactly one target: a numbered part of the signed contract (an orientation, a projet de
quartier, a body of the governance…), the parties, the financial tables, a signatory's
commitment sheet, or a TFPB convention (which gets its own avenant). One article per target,
in the legal form reviewers expect; `Article.changes` lists what it covers, so that a test can
match the articles one to one with the diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.amendment.outline import Heading

# Section key -> (title of the part, title of the sub-part or None), as the shipped contract
# template writes them; a part the template words differently is cited by its title alone.
SECTION_HEADINGS = {
    ("territoire", "qpv"): ("Cadre du contrat", "La géographie prioritaire"),
    ("territoire", "territoires_vigilance"): (
        "Cadre du contrat",
        "Territoires de vigilance hors quartiers prioritaires",
    ),
    ("territoire", "strategies"): ("Cadre du contrat", "Articulation avec les autres stratégies"),
    ("territoire",): ("Cadre du contrat", "Le territoire intercommunal"),
    ("contrat", "bilan_contrat_precedent"): (
        "Cadre du contrat",
        "Enseignements du contrat de ville 2015-2023",
    ),
    ("diagnostic", "indicateurs"): (
        "Diagnostic partagé et concertation",
        "Indicateurs des quartiers et de l'intercommunalité",
    ),
    ("diagnostic",): ("Diagnostic partagé et concertation", "Synthèse du diagnostic"),
    ("concertation",): ("Diagnostic partagé et concertation", "Concertation des habitants"),
    ("priorites_transversales",): (
        "Orientations stratégiques intercommunales",
        "Priorités transversales",
    ),
    ("investissements",): ("Volet investissement", None),
    ("participation", "conseils_citoyens"): (
        "Participation des habitants",
        "Les conseils citoyens",
    ),
    ("participation",): ("Participation des habitants", None),
    ("evaluation",): ("Observation, suivi et évaluation", None),
    ("gouvernance",): ("Gouvernance et pilotage", None),
    ("annexes",): ("Annexe 6 – Documents associés", None),
}
PARTS = {
    "orientations": "Orientations stratégiques intercommunales",
    "quartiers": "Projets de quartier",
    "financements": "Moyens financiers",
    "engagements": "Annexe 4 – Fiches d'engagement des signataires",
}
FINANCIAL_TABLE = "Synthèse des financements 2024-2030"


@dataclass
class Target:
    """What an article amends; `key` is unique within the avenant."""

    key: tuple
    kind: str  # part | parties | preamble | version | financing | sheet | tfpb
    old_title: str = ""
    new_title: str = ""
    parent: str = ""
    item: str = ""  # the identifier of the item (orientation id, QPV code, bailleur…)


@dataclass
class Article:
    numero: int
    titre: str
    dispositif: str
    target: Target
    changes: list = field(default_factory=list)
    content: Heading | None = None  # the block of the consolidated contract quoted in full


def _items(data: dict, key: str, ident: str) -> dict:
    return {str(i.get(ident)): i for i in data.get(key) or [] if isinstance(i, dict)}


def target_of(change, old: dict, new: dict, qpv_names: dict[str, str]) -> Target:
    """The one target of a change."""
    path = change.path
    head = path[0]
    if head == "signataires":
        return Target(("parties",), "parties")
    if head == "contrat":
        if len(path) > 1 and path[1] == "preambule":
            return Target(("preambule",), "preamble", "Préambule", "Préambule")
        if len(path) > 1 and ("contrat", path[1]) in SECTION_HEADINGS:
            part, sub = SECTION_HEADINGS[("contrat", path[1])]
            return Target(("section", part, sub), "part", sub, sub, part)
        return Target(("version",), "version")
    if head == "format":
        return Target(("version",), "version")
    if head == "orientations" and len(path) > 1:
        ident = path[1]
        o, n = _items(old, "orientations", "id"), _items(new, "orientations", "id")
        title = lambda d: str((d.get(ident) or {}).get("titre") or "")  # noqa: E731
        return Target(
            ("orientation", ident), "part", title(o), title(n), PARTS["orientations"], ident
        )
    if head == "quartiers" and len(path) > 1:
        code = path[1]
        name = qpv_names.get(code, code)
        return Target(("quartier", code), "part", name, name, PARTS["quartiers"], code)
    if head == "financements":
        return Target(("financements",), "financing", FINANCIAL_TABLE, FINANCIAL_TABLE)
    if head == "engagements" and len(path) > 1:
        return Target(("fiche", path[1]), "sheet", item=path[1], parent=PARTS["engagements"])
    if head == "tfpb" and len(path) > 1:
        return Target(("tfpb", path[1]), "tfpb", item=path[1])
    if head == "gouvernance" and len(path) > 2 and path[1] == "instances":
        name = path[2]
        return Target(("instance", name), "part", name, name, "Gouvernance et pilotage", name)
    for size in (2, 1):
        key = tuple(path[:size])
        if key in SECTION_HEADINGS:
            part, sub = SECTION_HEADINGS[key]
            title = sub or part
            return Target(("section", part, sub), "part", title, title, part if sub else "")
    return Target(("section", head), "part", head, head)


def group_changes(changes, old: dict, new: dict, qpv_names: dict[str, str]):
    """Targets in reading order, each with its changes (every change in exactly one)."""
    groups: dict[tuple, tuple[Target, list]] = {}
    for change in changes:
        target = target_of(change, old, new, qpv_names)
        groups.setdefault(target.key, (target, []))[1].append(change)
    order = {"parties": 0, "preamble": 1, "part": 2, "financing": 3, "sheet": 4, "version": 6}
    items = list(groups.values())
    return sorted(items, key=lambda tc: (order.get(tc[0].kind, 5), _seq(tc[0].key)))


def _seq(key: tuple) -> int:
    return 0  # stable sort keeps the diff's order (the reading order of the description)


def is_whole_item(changes, kind: str) -> bool:
    return len(changes) == 1 and changes[0].kind == kind and len(changes[0].path) == 2
