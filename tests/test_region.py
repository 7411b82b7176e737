"""The regional synthesis on the shipped examples: every regional figure recomputed from the YAML
(plain Python over the files, independently of the synthesis code), found in the workbook and the
Word synthesis; no contact detail in any export; byte-identical runs; cross-territory warnings."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, table_rows

from generator.region.gather import gather
from generator.region.synthesis import OUTPUTS, synthesize

CONTRACTS = ROOT / "contracts"


def plain(folder: Path) -> dict:
    """A territory read with nothing but PyYAML: sections merged, item folders appended."""
    data: dict = {}
    for path in sorted(folder.glob("*.yaml")):
        data.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    for sub in ("engagements", "tfpb", "quartiers"):
        for path in sorted((folder / sub).glob("*.yaml")) if (folder / sub).is_dir() else []:
            data.setdefault(sub, []).append(yaml.safe_load(path.read_text(encoding="utf-8")))
    return data


def expected_figures() -> dict:
    """Every regional figure, added up from the YAML files in plain Python (format 2: each
    funder's amount of each operation in each year; a loan is never added to the money)."""
    territories = {p.name: plain(p) for p in sorted(CONTRACTS.iterdir()) if p.is_dir()}
    out = {"territories": len(territories), "qpv": set(), "population": 0, "actors": 0}
    money = defaultdict(Decimal)
    funding = defaultdict(Decimal)  # (territory, actor id) -> money of the operations it gets
    entries = 0
    for name, data in territories.items():
        for q in data["territoire"]["qpv"]:
            if q["code"] not in out["qpv"]:
                out["qpv"].add(q["code"])
                out["population"] += q.get("population", 0)
        out["actors"] += len(data.get("acteurs", []))
        kinds = {s["id"]: s["type"] for s in data.get("signataires", [])}
        kinds.update({p["id"]: p["type"] for p in data.get("partenaires", [])})
        for op in data.get("financements", {}).get("operations", []):
            for funder in op["financeurs"]:
                for year in funder["annees"]:
                    entries += 1
                    amount = Decimal(str(year["montant"]))
                    if funder.get("forme", "subvention") == "pret":
                        money["loans"] += amount
                        continue
                    money["total"] += amount
                    money[op["nature"]] += amount
                    money[year["annee"]] += amount
                    money["mode", op.get("mode")] += amount
                    money["funder", kinds[funder["financeur"]]] += amount
                    actor = (op.get("beneficiaire") or {}).get("acteur")
                    if actor:
                        funding[name, actor] += amount
        for convention in data.get("tfpb", []):
            for year in convention["abattement_estime"]:
                money["tfpb"] += Decimal(str(year["montant"]))
    out["money"] = dict(money)
    out["funding"] = dict(funding)
    out["entries"] = entries
    return out


@pytest.fixture(scope="module")
def synthesis():
    return synthesize(gather([CONTRACTS], jobs=1))


def sheet(workbook_bytes: bytes, name: str) -> list[tuple]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook_bytes))
    return [tuple(r) for r in book[name].iter_rows(values_only=True)]


def test_every_regional_figure_recomputed_from_the_yaml(synthesis):
    want = expected_figures()
    workbook = synthesis.files["synthese-regionale.xlsx"]
    rows = dict(sheet(workbook, "Région")[1:])
    assert rows["Contrats de ville"] == want["territories"] == 5
    assert rows["Quartiers prioritaires (QPV)"] == len(want["qpv"])
    assert rows["Habitants des QPV"] == want["population"]
    assert rows["Acteurs recensés"] == want["actors"]
    money = want["money"]
    assert money["total"] > 0 and money["loans"] > 0  # the examples have loans, kept apart
    assert Decimal(str(rows["Financements, toutes natures (€)"])) == money["total"]
    assert Decimal(str(rows["Crédits spécifiques (€)"])) == money["specifique"]
    assert Decimal(str(rows["Droit commun (€)"])) == money["droit_commun"]
    assert Decimal(str(rows["Investissement (€)"])) == money["investissement"]
    assert Decimal(str(rows["Abattement de TFPB estimé 2025-2030 (€)"])) == money["tfpb"]
    assert Decimal(str(rows["Prêts, à part des financements (€)"])) == money["loans"]
    per_head = (money["total"] / want["population"]).quantize(Decimal("0.01"))
    assert Decimal(str(rows["Financements par habitant des QPV (€)"])) == per_head
    years = dict(sheet(workbook, "Par année")[1:])
    for year in range(2024, 2031):
        assert Decimal(str(years[year])) == money.get(year, 0)
    # by award mode (labels of the schema) and by kind of funder
    modes = dict(sheet(workbook, "Par mode")[1:])
    assert Decimal(str(modes["Convention adultes-relais"])) == money["mode", "adultes_relais"]
    assert Decimal(str(modes["non renseigné"])) == money["mode", None]
    assert Decimal(str(modes["Total"])) == money["total"]
    funders = dict(sheet(workbook, "Par financeur")[1:])
    assert Decimal(str(funders["État"])) == money["funder", "etat"]
    assert Decimal(str(funders["Total"])) == money["total"]
    # the flat ledger: one row per operation, funder and year, loans marked and not counted
    operations = sheet(workbook, "Opérations")
    head = operations[0]
    assert len(operations) - 1 == want["entries"]
    amount, counted = head.index("Montant (€)"), head.index("Compté dans les totaux")
    assert (
        sum(Decimal(str(r[amount])) for r in operations[1:] if r[counted] == "oui")
        == (money["total"])
    )
    assert (
        sum(Decimal(str(r[amount])) for r in operations[1:] if r[counted] != "oui")
        == (money["loans"])
    )
    # the actors financed through the beneficiary of an operation
    actors = sheet(workbook, "Acteurs")
    column = actors[0].index("Financements reçus (€)")
    got = {(r[0], r[1]): Decimal(str(r[column])) for r in actors[1:]}
    names = {
        (name, a["id"]): a["nom"]
        for name, data in ((p.name, plain(p)) for p in CONTRACTS.iterdir() if p.is_dir())
        for a in data.get("acteurs", [])
    }
    assert len(want["funding"]) == 5
    for key, value in want["funding"].items():
        assert got[key[0], names[key]] == value, key


def test_the_word_synthesis_shows_the_same_figures(synthesis):
    from docx import Document

    from generator.documents.formatting import montant

    document = Document(io.BytesIO(synthesis.files["synthese-regionale.docx"]))
    cells = [c.text for t in document.tables for r in table_rows(t) for c in r.cells]
    money = expected_figures()["money"]
    assert montant(money["total"]) in cells
    assert montant(money["specifique"]) in cells
    # the years of « Financements par année » are years, not numbers with a thousands space
    years = {str(y) for y in range(2024, 2031)}
    assert years <= set(cells)
    assert not [c for c in cells if c not in years and "".join(c.split()) in years]
    text = "\n".join(p.text for p in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Communauté d'agglomération Creil Sud Oise" in headings
    assert "Acteurs présents dans plusieurs territoires" in headings
    assert "Unis-Cité Hauts-de-France" in cells
    assert "5 contrats" in text


def contact_values() -> set[str]:
    found = set()
    for folder in CONTRACTS.iterdir():
        for actor in plain(folder).get("acteurs", []) if folder.is_dir() else []:
            for value in (actor.get("contact") or {}).values():
                found.add(str(value))
    return found


def test_no_contact_detail_in_any_export(synthesis):
    secrets = contact_values()
    assert {"Nadia Belkacem", "direction@cs-brassens.example", "03 23 00 00 02"} <= secrets
    assert {"Karima Dufour", "direction@centres-sociaux-amiens.example"} <= secrets
    for name, data in synthesis.files.items():
        if name.endswith((".docx", ".xlsx")):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                text = "".join(
                    archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                )
        else:
            text = data.decode("utf-8")
        for secret in secrets:
            assert secret not in text, (name, secret)


def test_csv_and_geojson(synthesis):
    rows = list(
        csv.DictReader(
            io.StringIO(synthesis.files["acteurs.csv"].decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(rows) == expected_figures()["actors"]
    brassens = next(r for r in rows if r["identifiant"] == "centre-social-rouher")
    assert brassens["siren"] == "812345676" and brassens["qpv"] == "QN06001M"
    assert brassens["noms_qpv"] == "Les Hauts de Creil"
    geo = json.loads(synthesis.files["acteurs.geojson"])
    points = [
        f
        for f in geo["features"]
        if f["properties"]["acteur"] == "unis-cite-hdf"
        and f["properties"]["territoire"] == "creil-sud-oise"
    ]
    assert {f["properties"]["qpv"] for f in points} == {"QN06001M", "QN06002M"}
    lon, lat = points[0]["geometry"]["coordinates"]
    assert 2.3 < lon < 2.6 and 49.2 < lat < 49.3  # Creil


def test_two_runs_are_byte_identical(synthesis):
    again = synthesize(gather([CONTRACTS], jobs=2))
    assert set(again.files) == set(OUTPUTS)
    for name in OUTPUTS:
        assert again.files[name] == synthesis.files[name], name


def test_no_warning_on_the_examples(synthesis):
    # « Clésence » and « CLESENCE » (same SIREN) are the same spelling once normalised
    assert synthesis.checks == []


def _copy(tmp_path, name, new_name):
    target = tmp_path / "region" / new_name
    shutil.copytree(CONTRACTS / name, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_cross_territory_warnings(tmp_path):
    _copy(tmp_path, "creil-sud-oise", "creil-sud-oise")
    other = _copy(tmp_path, "creil-sud-oise", "creil-bis")  # claims the same seven QPV
    _edit(other / "acteurs.yaml", "nom: Unis-Cité Hauts-de-France", "nom: Unis Cite HDF")
    _edit(
        other / "tfpb" / "clesence.yaml",
        "{annee: 2025, montant: 158000}",
        "{annee: 2025, montant: 958000}",
    )
    result = synthesize(gather([tmp_path / "region"], jobs=1))
    messages = [c.message for c in result.checks]
    spelled = [m for m in messages if "804567121" in m]
    assert len(spelled) == 1
    assert "« Unis Cite HDF » (creil-bis)" in spelled[0]
    assert "« Unis-Cité Hauts-de-France » (creil-sud-oise)" in spelled[0]
    abatement = [m for m in messages if "abattement de TFPB" in m]
    assert len(abatement) == 1 and "Clésence" in abatement[0] and "creil-bis" in abatement[0]
    claimed = [m for m in messages if m.startswith("le QPV QN06001M")]
    assert claimed == [
        "le QPV QN06001M est déclaré par 2 contrats (creil-bis, creil-sud-oise) : un QPV relève "
        "d'un seul contrat de ville ; la synthèse le compte une fois, dans creil-bis"
    ]
    assert len(result.region.qpv) == 7  # counted once


def test_cli_writes_every_file(tmp_path, monkeypatch):
    from conftest import Cli

    monkeypatch.chdir(ROOT)
    result = Cli()("synthese", "contracts", "--sortie", str(tmp_path / "sortie"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "sortie").iterdir()) == sorted(OUTPUTS)
    assert "Synthèse de 5 territoire(s), 26 QPV, 15 acteur(s)" in result.output


def test_cli_help_and_bad_path(tmp_path, monkeypatch):
    from conftest import Cli

    monkeypatch.chdir(ROOT)
    help_text = Cli()("synthese", "--help").output
    assert "Réunir plusieurs contrats de ville" in help_text and "--sortie" in help_text
    result = Cli()("synthese", str(tmp_path / "absent"))
    assert result.exit_code == 2
    assert "chemin introuvable" in result.output
