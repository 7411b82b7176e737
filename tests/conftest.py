"""Shared helpers: a valid minimal territory written to tmp_path, and a CLI runner.

Tests start from `minimal()` (a description with zero problems), change one thing, write it
with `write_territory()` and check the one problem that appears, with its file and line.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli.main import cli
from generator.description.load import load_territory
from generator.description.validate import Target, validate_target

ROOT = Path(__file__).resolve().parent.parent
CAS = Path(__file__).resolve().parent / "cas"

# QN06001M « Les Hauts de Creil » lies in Creil (60175), Oise.
_MINIMAL = {
    "format": 1,
    "contrat": {"version": "0.1", "statut": "projet", "date": "2024-03-15"},
    "territoire": {
        "epci": {"nom": "Communauté d'agglomération Creil Sud Oise"},
        "communes": [{"nom": "Creil", "insee": "60175"}],
        "qpv": [{"code": "QN06001M", "population": 16850}],
    },
    "signataires": [
        {"id": "etat", "nom": "l'État", "type": "etat"},
        {"id": "epci", "nom": "l'Agglomération", "type": "epci"},
        {"id": "commune-creil", "nom": "la Ville de Creil", "type": "commune", "insee": "60175"},
        {"id": "oise-habitat", "nom": "Oise Habitat", "type": "bailleur"},
        {"id": "departement-oise", "nom": "le Département de l'Oise", "type": "departement"},
        {"id": "region-hdf", "nom": "la Région Hauts-de-France", "type": "region"},
    ],
    "orientations": [
        {
            "id": "emploi",
            "titre": "Favoriser l'accès à l'emploi",
            "objectifs": [
                {
                    "libelle": "Réduire l'écart de taux d'emploi",
                    "indicateur": {"libelle": "Taux d'emploi", "cible_2027": 48, "cible_2030": 52},
                }
            ],
        }
    ],
    "quartiers": [{"qpv": "QN06001M", "portrait": "Un grand quartier d'habitat social."}],
    "investissements": [
        {
            "id": "espace-jeunes",
            "intitule": "Espace jeunesse",
            "maitre_ouvrage": "Ville de Creil",
            "qpv": ["QN06001M"],
            "orientation": "emploi",
            "cout_total": 500000,
            "plan_financement": [
                {"financeur": "etat", "montant": 300000},
                {"financeur": "commune-creil", "montant": 200000},
            ],
            "debut": 2025,
            "fin": 2026,
        }
    ],
    "engagements": [
        {"signataire": sid, "objectifs": [{"libelle": "Mobiliser le droit commun"}]}
        for sid in (
            "etat",
            "epci",
            "commune-creil",
            "oise-habitat",
            "departement-oise",
            "region-hdf",
        )
    ],
    "financements": {
        "lignes": [
            {
                "annee": 2024,
                "financeur": "etat",
                "dispositif": "Appel à projets",
                "type": "specifique",
                "montant": 100000,
                "orientation": "emploi",
                "qpv": "QN06001M",
            },
            {
                "annee": 2024,
                "financeur": "epci",
                "dispositif": "Ingénierie",
                "type": "specifique",
                "montant": 50000,
            },
        ],
        "totaux": [
            {"libelle": "Crédits spécifiques 2024", "annee": 2024, "montant": 150000},
            {"annee": 2024, "financeur": "etat", "montant": 100000},
        ],
    },
    "gouvernance": {
        "instances": [{"nom": "Comité de pilotage", "type": "pilotage", "conseils_citoyens": True}]
    },
    "participation": {"conseils_citoyens": [{"nom": "Conseil citoyen", "qpv": ["QN06001M"]}]},
    "tfpb": [
        {
            "bailleur": "oise-habitat",
            "patrimoine": [{"qpv": "QN06001M", "logements": 1200}],
            "abattement_estime": [
                {"annee": 2025, "montant": 300000},
                {"annee": 2026, "montant": 300000},
            ],
            "actions": [
                {
                    "axe": "sur_entretien",
                    "libelle": "Nettoyage renforcé des halls",
                    "couts": [
                        {"annee": 2025, "montant": 200000},
                        {"annee": 2026, "montant": 300000},
                    ],
                },
                {
                    "axe": "tranquillite",
                    "libelle": "Médiation de soirée",
                    "couts": [{"annee": 2025, "montant": 100000}],
                },
            ],
        }
    ],
}

# Split layout: section -> file; item lists go one file per item into their folder.
SECTION_FILES = {
    "format": "contrat.yaml",
    "contrat": "contrat.yaml",
    "territoire": "contrat.yaml",
    "signataires": "contrat.yaml",
    "orientations": "orientations.yaml",
    "priorites_transversales": "orientations.yaml",
    "investissements": "investissements.yaml",
    "financements": "financements.yaml",
    "partenaires": "contrat.yaml",
    "gouvernance": "gouvernance.yaml",
    "participation": "participation.yaml",
}
ITEM_NAME = {"engagements": "signataire", "tfpb": "bailleur", "quartiers": "qpv"}


def minimal() -> dict:
    """A fresh copy of a description (format 2) that validates with no problem at all."""
    from generator.ledger.convert import convert_format_1

    return copy.deepcopy(convert_format_1(_MINIMAL).data)


def minimal_format_1() -> dict:
    """The same description written in format 1 (read with a warning, converted in memory)."""
    return copy.deepcopy(_MINIMAL)


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def write_territory(root: Path, data: dict | None = None, split: bool = False) -> Path:
    """Write `data` (default: minimal()) as a territory folder; returns the folder.

    Single layout: everything in contrat.yaml. Split layout: one file per section as in
    SECTION_FILES, and engagements/, tfpb/, quartiers/ with one file per item.
    """
    data = minimal() if data is None else data
    root.mkdir(parents=True, exist_ok=True)
    if not split:
        (root / "contrat.yaml").write_text(dump(data), encoding="utf-8")
        return root
    files: dict[str, dict] = {}
    for key, value in data.items():
        if key in ITEM_NAME and isinstance(value, list):
            folder = root / key
            folder.mkdir(exist_ok=True)
            for index, item in enumerate(value):
                name = item.get(ITEM_NAME[key]) if isinstance(item, dict) else None
                name = name if isinstance(name, str) else f"item-{index}"
                (folder / f"{name}.yaml").write_text(dump(item), encoding="utf-8")
            continue
        files.setdefault(SECTION_FILES.get(key, f"{key}.yaml"), {})[key] = value
    for name, content in files.items():
        (root / name).write_text(dump(content), encoding="utf-8")
    return root


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """1-based number of the first line of `path` containing `needle` (after the line
    containing `after`, if given)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    for number, line in enumerate(lines[start:], start=start + 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


FORMAT_1_WARNING = "description au format 1"


def problems_of(root: Path, strict: bool = False, format_1_warning: bool = False):
    """Validate a territory folder; returns the list of problems (without the warning that a
    format-1 description gets, unless asked: tests/test_ledger.py checks it)."""
    problems = validate_target(Target(root), strict=strict).problems
    if format_1_warning:
        return problems
    return [p for p in problems if FORMAT_1_WARNING not in p.message]


def load(root: Path):
    return load_territory(root)


class Cli:
    """Runs `cdv …` in-process; every run is checked for tracebacks."""

    def __init__(self, cwd: Path | None = None):
        self.runner = CliRunner()
        self.cwd = cwd

    def __call__(self, *args: str):
        result = self.runner.invoke(cli, [str(a) for a in args], catch_exceptions=True)
        output = result.output  # stdout and stderr, as a terminal shows them
        assert "Traceback" not in output, output
        # An uncaught exception inside the command is a bug, whatever the exit code.
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        result.text = output
        return result

    def json(self, *args: str):
        result = self(*args, "--format", "json")
        return result, json.loads(result.stdout)


@pytest.fixture
def run():
    return Cli()


@pytest.fixture
def territory(tmp_path):
    """Factory: territory(data=None, split=False, name='t') -> folder written in tmp_path."""

    def make(data: dict | None = None, split: bool = False, name: str = "t") -> Path:
        return write_territory(tmp_path / name, data, split=split)

    return make


def accept_declared_totals(root: Path) -> list[str]:
    """What a pilot does after importing a spreadsheet: every declared total that the ledger
    no longer meets (the imported operations count) is set to the ledger's figure, in its file,
    at its line. Returns the messages that asked for it."""
    from generator.ledger.build import build_ledger, declared_total_sum

    result = validate_target(Target(root))
    if not result.errors:
        return []
    ledger = build_ledger(result.description.data)
    totals = result.description.data["financements"]["totaux"]
    fixed = []
    for problem in result.errors:
        path = problem.path
        if path[:2] != ("financements", "totaux") or path[-1] != "montant":
            continue
        figure = declared_total_sum(ledger, totals[path[2]])
        lines = Path(problem.file).read_text(encoding="utf-8").splitlines(keepends=True)
        old = lines[problem.line - 1]
        lines[problem.line - 1] = re.sub(r"montant: *[0-9.]+", f"montant: {figure}", old)
        Path(problem.file).write_text("".join(lines), encoding="utf-8")
        fixed.append(problem.message)
    return fixed


def table_rows(table) -> list:
    """The rows of a python-docx table as a reader sees them: the last rows that the build
    keeps together in one row (documents.kept_rows) are given one by one, in their place."""
    from docx.table import Table, _Row

    from generator.documents.kept_rows import rows_of

    return [_Row(tr, Table(tr.getparent(), table._parent)) for tr in rows_of(table._tbl)]
