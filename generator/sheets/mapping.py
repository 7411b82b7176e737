"""Named column mappings: which column of a spreadsheet holds which field of an operation.

A mapping is YAML: the shipped ones live in `generator/sheets/modeles/` (`dauphin`,
`programmation`, `indicateurs-qpv`); a pilot writes their own in the same shape and passes its
path. `load_mapping` validates it against `MAPPING_SCHEMA` and raises `MappingError` with every
problem in French (file, line, field).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "FIELDS",
    "MAPPING_SCHEMA",
    "Mapping",
    "MappingError",
    "Indicator",
    "load_mapping",
    "normalize",
    "shipped_mappings",
]

# fields of an operation a column can fill; (field, French description)
FIELDS = {
    "id": "identifiant de l'opération (numéro de dossier…)",
    "intitule": "intitulé de l'action",
    "beneficiaire": "bénéficiaire (raison sociale)",
    "siren": "SIREN du bénéficiaire",
    "rna": "numéro RNA du bénéficiaire",
    "type_tiers": "type de tiers (association, commune…)",
    "qpv": "QPV (code ou nom ; plusieurs séparés par des virgules)",
    "orientation": "orientation (identifiant ou titre)",
    "financeur": "financeur (identifiant, nom ou sigle)",
    "annee": "année",
    "montant": "montant de l'année",
    "verse": "montant versé",
    "statut": "statut (demande, programme, notifie, engage, verse, solde)",
    "nature": "nature (specifique, droit_commun, investissement)",
    "mode": "mode d'attribution",
    "forme": "forme (subvention, pret, fonds_propres, valorisation)",
    "programme": "programme budgétaire",
    "dispositif": "dispositif",
}
_COLUMN = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}
MAPPING_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["nom", "cible", "colonnes"],
    "properties": {
        "nom": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
        "titre": {"type": "string"},
        "cible": {"enum": ["operations", "indicateurs"]},
        "feuille": {"type": "string"},
        "ligne_entete": {"type": "integer", "minimum": 1},
        "separateur_decimal": {"enum": [",", "."]},
        "prefixe_id": {"type": "string", "pattern": "^[a-z0-9_-]*$"},
        "colonnes": {
            "type": "object",
            "additionalProperties": False,
            "properties": {name: _COLUMN for name in FIELDS},
        },
        "ignorer": {"type": "array", "items": {"type": "string"}},
        "valeurs": {
            "type": "object",
            "additionalProperties": False,
            "properties": {name: {"type": ["string", "integer"]} for name in FIELDS},
        },
        "correspondances": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                name: {"type": "object", "additionalProperties": {"type": ["string", "integer"]}}
                for name in FIELDS
            },
        },
        "indicateurs": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["colonne", "libelle"],
                "properties": {
                    "colonne": _COLUMN,
                    "libelle": {"type": "string", "minLength": 1},
                    "unite": {"type": "string"},
                    "source": {"type": "string"},
                    "annee": {"type": "integer"},
                },
            },
        },
    },
}


class MappingError(Exception):
    """A mapping that cannot be used; the message lists every problem, in French."""


@dataclass(frozen=True)
class Indicator:
    columns: tuple[str, ...]
    libelle: str
    unite: str | None = None
    source: str | None = None
    annee: int | None = None


@dataclass(frozen=True)
class Mapping:
    name: str
    title: str
    target: str  # "operations" or "indicateurs"
    columns: dict[str, tuple[str, ...]]
    fixed: dict[str, object] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()
    sheet: str | None = None
    header_row: int | None = None
    decimal: str | None = None
    id_prefix: str = ""
    indicators: tuple[Indicator, ...] = ()
    origin: str = ""

    def translate(self, name: str, text: str) -> object | None:
        """The value a cell's text stands for, through the mapping's correspondences."""
        table = self.values.get(name)
        if not table:
            return None
        return table.get(normalize(text))


def normalize(text: object) -> str:
    """Lower case, no accents, single spaces: « Montant  engagé » -> « montant engage »."""
    return _normalize(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=65536)  # an extract repeats the same funders, QPV, themes on every row
def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_]+", " ", text.replace("’", "'")).strip().lower()


def shipped_mappings() -> dict[str, Path]:
    folder = resources.files("generator.sheets") / "modeles"
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".yaml")}


def _columns(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def load_mapping(name_or_path: str) -> Mapping:
    """A shipped mapping by name (« dauphin »), or a pilot's mapping file by path."""
    shipped = shipped_mappings()
    if name_or_path in shipped:
        path = shipped[name_or_path]
    else:
        path = Path(name_or_path)
        if not path.is_file():
            close = difflib.get_close_matches(name_or_path, shipped, n=1)
            hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
            raise MappingError(
                f"modèle de colonnes inconnu : « {name_or_path} »{hint} (modèles livrés : "
                + ", ".join(sorted(shipped))
                + ", ou le chemin d'un fichier .yaml)"
            )
    return _parse(path)


def _parse(path: Path) -> Mapping:
    import jsonschema

    from generator.description.load import Description, parse_file

    staging = Description(root=path.parent)
    ok, data = parse_file(path, staging)
    if not ok:
        raise MappingError("\n".join(p.format() for p in staging.problems))
    problems = []
    validator = jsonschema.Draft202012Validator(MAPPING_SCHEMA)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = staging.where(tuple(error.path))
        dotted = ".".join(str(p) for p in error.path) or "(racine)"
        problems.append(f"{where.file}:{where.line}:{where.column}: {dotted} — {_french(error)}")
    if problems:
        raise MappingError("modèle de colonnes invalide :\n" + "\n".join(problems))
    if data["cible"] == "operations":
        missing = [
            f
            for f in ("intitule", "annee", "financeur", "montant")
            if f not in data["colonnes"] and f not in data.get("valeurs", {})
        ]
        if missing:
            raise MappingError(
                f"{path} : modèle de colonnes invalide : il faut une colonne ou une valeur fixe "
                "pour " + ", ".join(f"« {m} »" for m in missing)
            )
    elif "qpv" not in data["colonnes"] or not data.get("indicateurs"):
        raise MappingError(
            f"{path} : un modèle « indicateurs » a besoin de colonnes.qpv et d'une liste "
            "« indicateurs »"
        )
    return Mapping(
        name=data["nom"],
        title=data.get("titre", data["nom"]),
        target=data["cible"],
        columns={k: _columns(v) for k, v in data["colonnes"].items()},
        fixed=dict(data.get("valeurs", {})),
        values={
            k: {normalize(text): v for text, v in table.items()}
            for k, table in data.get("correspondances", {}).items()
        },
        ignored=tuple(data.get("ignorer", [])),
        sheet=data.get("feuille"),
        header_row=data.get("ligne_entete"),
        decimal=data.get("separateur_decimal"),
        id_prefix=data.get("prefixe_id", ""),
        indicators=tuple(
            Indicator(
                _columns(i["colonne"]),
                i["libelle"],
                i.get("unite"),
                i.get("source"),
                i.get("annee"),
            )
            for i in data.get("indicateurs", [])
        ),
        origin=str(path),
    )


def _french(error) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        known = list(error.schema.get("properties", {}))
        parts = []
        for key in extra:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" : vouliez-vous dire « {close[0]} » ?" if close else ""
            parts.append(f"clé inconnue « {key} »{hint}")
        return "; ".join(parts) + " (clés possibles : " + ", ".join(known) + ")"
    if error.validator == "required":
        return f"clé obligatoire manquante : {error.message.split(' ')[0]}"
    if error.validator == "enum":
        return "valeur « {} » non prévue ; valeurs possibles : {}".format(
            error.instance, ", ".join(map(str, error.validator_value))
        )
    if error.validator == "pattern":
        return f"« {error.instance} » : minuscules, chiffres et tirets seulement"
    if error.validator in ("type", "oneOf"):
        return f"« {error.instance} » n'a pas la forme attendue (un texte, ou une liste de textes)"
    return error.message
