"""The fixed text of the documents holds for every territory: the decree, the period and the
visas follow the territory's QPV (metropolitan or overseas), the sentences on signatories
follow who signs, and the statements of law say what the sources say (docs/sources.md)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import minimal, write_territory

from generator.description.problems import ERREUR
from generator.description.validate import Target, validate_target
from generator.documents.build import BUILT, build_territory
from generator.documents.templates import load_template_set


def paragraphs(path: Path) -> list[str]:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    out = []
    for body in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S):
        out.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", body)))
    return [p.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2011", "-") for p in out]


def text(path: Path) -> str:
    return "\n".join(paragraphs(path))


def overseas(code: str, insee: str, commune: str) -> dict:
    data = minimal()
    data["territoire"]["communes"] = [{"nom": commune, "insee": insee}]
    data["territoire"]["qpv"] = [{"code": code, "population": 5000}]
    for s in data["signataires"]:
        if s["type"] == "commune":
            s["insee"] = insee
    data["quartiers"][0]["qpv"] = code
    data["participation"]["conseils_citoyens"][0]["qpv"] = [code]
    for op in data["financements"]["operations"]:
        for funder in op["financeurs"]:
            for year in funder["annees"]:
                year["annee"] = 2025
        if isinstance(op.get("repartition"), list):
            for share in op["repartition"]:
                share["qpv"] = code
    data["financements"]["totaux"] = [
        {
            "libelle": "Crédits spécifiques 2025",
            "annee": 2025,
            "nature": "specifique",
            "montant": 150000,
        },
        {"annee": 2025, "financeur": "etat", "nature": "specifique", "montant": 100000},
    ]
    data["investissements"][0]["qpv"] = [code]
    data["tfpb"][0]["patrimoine"][0]["qpv"] = code
    return data


def problems(root: Path) -> list:
    return validate_target(Target(root)).problems


def build(folder: Path, data: dict) -> Path:
    root = write_territory(folder / "t", data)
    assert [p.message for p in problems(root) if p.severity == ERREUR] == []
    result = build_territory(root, folder / "out", load_template_set())
    assert result.status == BUILT, result.message
    return folder / "out" / "t"


@pytest.fixture(scope="module")
def metro(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("metropole"), minimal())


@pytest.fixture(scope="module")
def guadeloupe(tmp_path_factory) -> Path:
    data = overseas("QN97101M", "97101", "Les Abymes")
    return build(tmp_path_factory.mktemp("guadeloupe"), data)


@pytest.fixture(scope="module")
def mayotte(tmp_path_factory) -> Path:
    data = overseas("QN97651C", "97601", "Acoua")
    return build(tmp_path_factory.mktemp("mayotte"), data)


def test_metropolitan_contract_rests_on_the_2023_decree(metro):
    contract = text(metro / "contrat-de-ville.docx")
    assert (
        "Vu le décret n° 2023-1314 du 28 décembre 2023, qui fixe la liste des quartiers" in contract
    )
    assert "à compter du 1er janvier 2024 ;" in contract
    assert "du 1er janvier 2024 au 31 décembre 2030" in contract
    assert (
        "Vu l'instruction du 4 janvier 2024 adressée aux préfets, relative à la gouvernance"
        in contract
    )
    assert "2024-1212" not in contract


@pytest.mark.parametrize("where", ["guadeloupe", "mayotte"])
def test_overseas_contract_rests_on_the_2024_decree_and_runs_2025_2030(where, request):
    folder = request.getfixturevalue(where)
    contract = text(folder / "contrat-de-ville.docx")
    assert (
        "Vu le décret n° 2024-1212 du 27 décembre 2024, qui fixe la liste des quartiers" in contract
    )
    assert "dans les départements d'outre-mer, à Saint-Martin et en Polynésie française" in contract
    assert "à compter du 1er janvier 2025 ;" in contract
    assert "du 1er janvier 2025 au 31 décembre 2030" in contract
    assert "2025-2030" in paragraphs(folder / "contrat-de-ville.docx")
    assert "publiée le 21 mars 2025" in contract
    # the year columns of the financial tables (« Total 2024-2030 ») belong to the ledger
    # (format 2 of the financing), which sets the years of the tables
    fixed = "\n".join(
        p for p in paragraphs(folder / "contrat-de-ville.docx") if not p.startswith("Total 20")
    )
    for wrong in ("2023-1314", "1er janvier 2024", "2024-2030", "instruction du 4 janvier 2024"):
        assert wrong not in fixed, wrong
    convention = text(next(folder.glob("annexe-2-*.docx")))
    assert "Vu le contrat de ville 2025-2030" in convention
    annex = text(folder / "annexe-3-financiere.docx")
    assert "2025-2030 —" in annex


def test_a_2024_line_is_out_of_an_overseas_contract(tmp_path):
    data = overseas("QN97101M", "97101", "Les Abymes")
    data["financements"]["operations"][0]["financeurs"][0]["annees"][0]["annee"] = 2024
    root = write_territory(tmp_path / "t", data)
    found = problems(root)
    assert any("hors de la période du contrat (2025-2030)" in p.message for p in found)


def test_a_contract_cannot_mix_overseas_and_metropolitan_qpv(tmp_path):
    data = minimal()
    data["territoire"]["qpv"].append({"code": "QN97101M", "population": 10})
    root = write_territory(tmp_path / "t", data)
    mixed = [p for p in problems(root) if "mêle des QPV d'outre-mer" in p.message]
    assert len(mixed) == 1 and mixed[0].severity == ERREUR


def test_statements_say_what_the_sources_say(metro):
    contract = text(metro / "contrat-de-ville.docx")
    assert "peut comprendre un volet investissement" in contract
    assert "le contrat comporte un volet investissement" not in contract
    assert "50 % de financements pluriannuels par CPO" in contract
    assert "part des financements accordés aux associations" not in contract
    assert "adultes-relais" in contract  # specific credits outside calls for projects and CPO
    assert "2,5" not in contract


def test_tfpb_declaration_and_amendment_rule_stated_once(metro):
    convention = text(metro / "annexe-2-convention-tfpb-oise-habitat.docx")
    assert "déclare chaque année" not in convention
    assert "article 1388 bis du code général des impôts" in convention
    assert "notamment pour actualiser le programme d'actions" not in convention
    assert (
        "sans avenant tant que cette actualisation ne modifie pas l'économie générale" in convention
    )
    contract = text(metro / "contrat-de-ville.docx")
    assert "ne donne pas lieu à avenant" in contract


def test_the_signing_sentence_follows_the_signatories(metro, tmp_path):
    assert "ainsi que par le département et la région ;" in text(metro / "contrat-de-ville.docx")
    data = minimal()
    data["signataires"] = [s for s in data["signataires"] if s["type"] != "region"]
    data["engagements"] = [e for e in data["engagements"] if e["signataire"] != "region-hdf"]
    contract = text(build(tmp_path, data) / "contrat-de-ville.docx")
    assert "ainsi que par le département ;" in contract
    assert "la région" not in contract.split("Le contrat de ville est prévu par")[1][:600]


def test_typed_amounts_percentages_and_dates_do_not_break(tmp_path):
    data = minimal()
    data["quartiers"][0]["portrait"] = (
        "Un budget de 15 000 € et 1 250 000 € par an, 12 % de chômeurs, bilan le 30 avril 2025."
    )
    folder = build(tmp_path, data)
    xml = zipfile.ZipFile(folder / "contrat-de-ville.docx").read("word/document.xml").decode()
    assert "15\u202f000\u00a0€ et 1\u202f250\u202f000\u00a0€" in xml
    assert "12\u00a0% de chômeurs" in xml
    assert "30\u00a0avril 2025" in xml
    # the template's own text too: no ordinary space before « % » anywhere
    assert not re.search(r"\d %", xml)


@pytest.mark.parametrize(
    ("field", "standard"),
    [
        (("evaluation", "revue_annuelle"), "Chaque année, les signataires font le point"),
        (("evaluation", "revoyure_2027"), "Une clause de revoyure est prévue en 2027"),
        (("evaluation", "rapport_annuel"), "En application de l'article L. 1111-2"),
        (("contrat", "preambule"), "La loi n° 2014-173 du 21 février 2014 de programmation"),
    ],
)
def test_the_standard_paragraph_only_where_the_territory_gives_none(tmp_path, field, standard):
    without = text(build(tmp_path / "sans", minimal()) / "contrat-de-ville.docx")
    assert standard in without
    data = minimal()
    data.setdefault(field[0], {})[field[1]] = "Texte propre au territoire sur ce point."
    given = text(build(tmp_path / "avec", data) / "contrat-de-ville.docx")
    assert "Texte propre au territoire sur ce point." in given
    assert standard not in given
