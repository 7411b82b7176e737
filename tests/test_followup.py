"""The annual follow-up (`cdv bilan`): from the example's suivi/ files, the review, the report,
the TFPB bilans and the workbook; every figure found again from the YAML; the report's headings
those of the décret; charts in the documents; byte-identical rebuilds; bad input explained."""

from __future__ import annotations

import shutil
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import CAS, ROOT, table_rows
from docx import Document
from test_documents import ledger_lines, read_description

from generator.cli.main import cli
from generator.documents.formatting import montant
from generator.ledger.convert import convert_format_1

EXAMPLE = ROOT / "contracts" / "creil-sud-oise"
YEAR = 2025

# Décret n° 2015-1118 du 3 septembre 2015 (rapport prévu à l'article L. 1111-2 du CGCT): the
# contents of the report, item by item, in the order of the décret (see docs/sources-suivi.md),
# then the consultation of the conseils citoyens, whose opinions are annexed.
DECREE_HEADINGS = [
    "Rappel des principales orientations du contrat de ville",
    "Évolution de la situation des quartiers prioritaires au regard des objectifs de la "
    "politique de la ville et du contrat",
    "Actions menées au bénéfice des habitants des quartiers prioritaires au cours de l'année "
    "écoulée",
    "Perspectives d'évolution et améliorations nécessaires à la poursuite des objectifs du contrat",
    "Actions de développement social urbain des communes bénéficiaires de la dotation de "
    "solidarité urbaine",
    "Articulation entre les volets social, économique et urbain et avec le renouvellement urbain",
    "Consultation des conseils citoyens et participation des habitants",
]
PERSPECTIVES = [
    "Au regard des résultats obtenus et des moyens mobilisés",
    "Renforcement des actions de droit commun",
    "Coordination des acteurs et des politiques publiques",
    "Participation des habitants",
    "Évaluation des actions et des programmes",
]


def run(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("bilan")
    result = run(CliRunner(), "bilan", str(YEAR), str(EXAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out / EXAMPLE.name / f"suivi-{YEAR}"


def text_of(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table_rows(table):
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _yaml_figures():
    """Planned and paid money per orientation, per funder, and TFPB figures, recomputed from
    the YAML files with plain Python (not the follow-up package)."""
    suivi = _load(EXAMPLE / "suivi" / f"{YEAR}.yaml")
    orientations = {
        o["id"]: o["titre"] for o in _load(EXAMPLE / "orientations.yaml")["orientations"]
    }
    # the planned money is the ledger's: every operation (a format-1 description converted as
    # `cdv migrer` does), loans left out, summed here over the plain dicts
    description = read_description(EXAMPLE)
    if description.get("format") != 2:
        description = convert_format_1(description).data
    op_orientation = {
        op["id"]: op.get("orientation") for op in description["financements"]["operations"]
    }
    planned = defaultdict(Decimal)
    for line in ledger_lines(description):
        if line["annee"] == YEAR:
            planned[line.get("orientation")] += Decimal(str(line["montant"]))
    paid = defaultdict(Decimal)
    for item in suivi["operations"]:
        paid[op_orientation[item["id"]]] += Decimal(item["verse"])
    tfpb_files = [suivi] + [
        _load(p) for p in sorted((EXAMPLE / "suivi" / str(YEAR)).glob("*.yaml"))
    ]
    bilans = {b["bailleur"]: b for f in tfpb_files for b in f.get("tfpb", [])}
    tfpb = {}
    for path in sorted((EXAMPLE / "tfpb").glob("*.yaml")):
        conv = _load(path)
        b = bilans[conv["bailleur"]]
        done = sum(Decimal(a["cout"]) for a in b["actions"])
        tfpb[conv["bailleur"]] = {
            "obtenu": Decimal(b["abattement_obtenu"]),
            "realise": done,
            "prevu": sum(
                Decimal(c["montant"])
                for a in conv["actions"]
                for c in a["couts"]
                if c["annee"] == YEAR
            ),
            "solde": done - Decimal(b["abattement_obtenu"]),
            "par_logement": (done / sum(p["logements"] for p in conv["patrimoine"])).quantize(
                Decimal(1)
            ),
        }
    return orientations, planned, paid, tfpb


def test_every_figure_from_the_yaml_is_in_the_review_report_and_workbook(built):
    orientations, planned, paid, tfpb = _yaml_figures()
    review = text_of(built / f"bilan-annuel-{YEAR}.docx")
    report = text_of(built / f"rapport-politique-de-la-ville-{YEAR}.docx")
    book = openpyxl.load_workbook(built / f"tableaux-suivi-{YEAR}.xlsx")
    sheet = book["Crédits par orientation"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    missing = []
    for oid, title in orientations.items():
        for text, name in ((review, "revue"), (report, "rapport")):
            line = next((ln for ln in text.splitlines() if ln.startswith(title + " | ")), "")
            for figure in (planned[oid], paid[oid]):
                if montant(figure) not in line:
                    missing.append(f"{name}: {title} {montant(figure)}")
        assert rows[title][1] == planned[oid] and rows[title][2] == paid[oid], title
    total_planned, total_paid = sum(planned.values()), sum(paid.values())
    assert (
        f"{montant(total_planned)} ; versés : {montant(total_paid)}".replace(" :", "\u202f:")
        in review
    )
    transversal = rows["Transversal (sans orientation principale)"]
    assert transversal[1] == planned[None] and transversal[2] == paid[None]
    tfpb_sheet = {r[0]: r for r in book["TFPB"].iter_rows(min_row=2, values_only=True)}
    for landlord, figures in tfpb.items():
        name = {
            "oise-habitat": "Oise Habitat",
            "opac-oise": "l'OPAC de l'Oise",
            "clesence": "Clésence",
        }[landlord]
        bilan = text_of(built / f"bilan-tfpb-{landlord}-{YEAR}.docx")
        for key in ("obtenu", "realise", "prevu", "solde", "par_logement"):
            if montant(figures[key]) not in bilan:
                missing.append(f"{landlord}: {key} {montant(figures[key])}")
        row = tfpb_sheet[name]
        assert (row[3], row[4], row[5], row[6], row[7]) == (
            figures["obtenu"],
            figures["prevu"],
            figures["realise"],
            figures["solde"],
            figures["par_logement"],
        ), landlord
    roll_up = text_of(built / f"bilan-tfpb-ensemble-des-bailleurs-{YEAR}.docx")
    assert montant(sum(f["realise"] for f in tfpb.values())) in roll_up
    assert montant(sum(f["obtenu"] for f in tfpb.values())) in roll_up
    assert not missing, missing


def test_workbook_has_real_numbers_french_formats_and_frozen_headers(built):
    book = openpyxl.load_workbook(built / f"tableaux-suivi-{YEAR}.xlsx")
    assert {"Indicateurs", "Opérations", "TFPB", "TFPB par axe", "Engagements"} <= set(
        book.sheetnames
    )
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
    ops = book["Opérations"]
    cell = ops["D2"]
    assert isinstance(cell.value, int | float) and "€" in cell.number_format
    assert isinstance(book["Indicateurs"]["E2"].value, int | float)


def test_report_headings_are_the_decree_list_item_by_item(built):
    doc = Document(str(built / f"rapport-politique-de-la-ville-{YEAR}.docx"))
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1 == DECREE_HEADINGS
    level2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    for heading in PERSPECTIVES + ["Creil", "Montataire"]:
        assert heading in level2
    text = text_of(built / f"rapport-politique-de-la-ville-{YEAR}.docx")
    assert "décret n°\u00a02015-1118" in text
    # consultation date shown (dates never break: no-break spaces inside)
    assert "le 10 mars 2026" in text.replace("\u00a0", " ").replace("\u202f", " ")
    assert "Avis du conseil citoyen des Hauts de Creil" in text  # opinion annexed
    sources = (ROOT / "docs" / "sources-suivi.md").read_text(encoding="utf-8")
    assert "2015-1118" in sources


def test_charts_are_images_in_the_documents(built):
    for name in (f"bilan-annuel-{YEAR}.docx", f"rapport-politique-de-la-ville-{YEAR}.docx"):
        with zipfile.ZipFile(built / name) as package:
            media = [
                n for n in package.namelist() if n.startswith("word/media/") and n.endswith(".png")
            ]
            xml = package.read("word/document.xml").decode()
        assert media and xml.count("<pic:pic") >= 1, name
        assert "\ue003" not in xml, name  # no chart mark left


def test_two_builds_are_byte_identical_and_second_is_incremental(tmp_path):
    from click.testing import CliRunner

    runner = CliRunner()
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert run(runner, "bilan", str(YEAR), str(EXAMPLE), "-o", str(out)).exit_code == 0
    a, b = first / EXAMPLE.name / f"suivi-{YEAR}", second / EXAMPLE.name / f"suivi-{YEAR}"
    names = sorted(p.name for p in a.iterdir() if p.name != "manifeste.json")
    assert names == sorted(p.name for p in b.iterdir() if p.name != "manifeste.json")
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    again = run(runner, "bilan", str(YEAR), str(EXAMPLE), "-o", str(first))
    assert "à jour" in again.output and again.exit_code == 0


def test_hand_edited_document_is_not_overwritten(tmp_path):
    from click.testing import CliRunner

    runner = CliRunner()
    assert run(runner, "bilan", str(YEAR), str(EXAMPLE), "-o", str(tmp_path)).exit_code == 0
    target = tmp_path / EXAMPLE.name / f"suivi-{YEAR}" / f"bilan-annuel-{YEAR}.docx"
    target.write_bytes(target.read_bytes() + b"retouche")
    edited = target.read_bytes()
    result = run(runner, "bilan", str(YEAR), str(EXAMPLE), "-o", str(tmp_path), "--remplacer")
    assert result.exit_code == 0
    backups = list(target.parent.glob("bilan-annuel-*.sauvegarde-*.docx"))
    assert backups and backups[0].read_bytes() == edited


def test_example_follow_up_2024_builds_and_says_what_is_owed(tmp_path):
    from click.testing import CliRunner

    result = run(CliRunner(), "bilan", "2024", str(EXAMPLE), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "ars n'a pas rendu compte en 2024 de son engagement n° 1" in result.output
    assert (tmp_path / EXAMPLE.name / "suivi-2024" / "bilan-annuel-2024.docx").is_file()


# --------------------------------------------------------------------------- bad input

BAD = [
    (
        "indicateur-inconnu",
        "2025",
        "2025.yaml:4:9",
        "erreur",
        [
            "indicateur « maitrise-francais-6eme » inconnu",
            "vouliez-vous dire « maitrise-francais-6e »",
        ],
    ),
    (
        "operation-inconnue",
        "2025",
        "2025.yaml:4:10",
        "erreur",
        ["opération « adultes-relai » inconnue", "« adultes-relais »"],
    ),
    (
        "annee-hors-contrat",
        "2031",
        "2031.yaml:2:8",
        "erreur",
        ["hors de la période du contrat (2024-2030)"],
    ),
    (
        "verse-superieur",
        "2025",
        "2025.yaml:4:33",
        "avertissement",
        ["versé 450\u202f000\u00a0€", "plus que le montant notifié (405\u202f000\u00a0€)"],
    ),
    (
        "avant-signature",
        "2024",
        "2024.yaml:2:8",
        "erreur",
        ["avant la signature du contrat (2025)"],
    ),
    (
        "mauvaise-unite",
        "2025",
        "2025.yaml:6:12",
        "erreur",
        ["unité « personnes »", "se mesure en « % »"],
    ),
    (
        "bailleur-sans-convention",
        "2025",
        "2025.yaml:4:15",
        "erreur",
        ["bilan TFPB de « picardie-habitat », qui n'a pas de convention TFPB"],
    ),
    (
        "doublon-deux-fichiers",
        "2025",
        "2025/oise-habitat.yaml:3:5",
        "erreur",
        ["« oise-habitat » est déjà renseigné dans", "2025.yaml, ligne 4"],
    ),
]


@pytest.mark.parametrize(
    ("case", "year", "where", "severity", "fragments"), BAD, ids=[b[0] for b in BAD]
)
def test_bad_follow_up_is_explained_where_it_is(tmp_path, case, year, where, severity, fragments):
    from click.testing import CliRunner

    territory = tmp_path / "creil-sud-oise"
    shutil.copytree(EXAMPLE, territory, ignore=shutil.ignore_patterns("suivi"))
    shutil.copytree(CAS / "suivi" / case, territory / "suivi")
    if case == "avant-signature":
        contract = territory / "contrat.yaml"
        text = contract.read_text(encoding="utf-8")
        contract.write_text(
            text.replace("  lieu_signature:", "  date_signature: 2025-02-10\n  lieu_signature:"),
            encoding="utf-8",
        )
    result = CliRunner().invoke(cli, ["bilan", year, str(territory), "-o", str(tmp_path / "out")])
    assert "Traceback" not in result.output
    lines = [
        ln
        for ln in result.output.splitlines()
        if (f": {severity}: " in ln or f": {severity} : " in ln) and where in ln
    ]
    assert any(all(f in ln for f in fragments) for ln in lines), result.output
    if severity == "erreur":
        assert result.exit_code == 1
        assert not (tmp_path / "out" / "creil-sud-oise" / f"suivi-{year}").exists()
    else:
        assert result.exit_code == 0


def test_readme_follow_up_example_is_valid_against_the_example(tmp_path):
    import re

    from generator.description.load import load_territory
    from generator.followup.load import load_followup
    from generator.followup.rules import followup_problems

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Après la signature", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    (tmp_path / "suivi").mkdir()
    (tmp_path / "suivi" / f"{YEAR}.yaml").write_text(block, encoding="utf-8")
    followup = load_followup(tmp_path, YEAR)
    problems = followup_problems(followup, load_territory(EXAMPLE).data)
    assert followup.data["operations"] and not [p for p in problems if p.is_error], problems


def _operation_figures(root: Path) -> dict[str, tuple[Decimal, Decimal, Decimal | None]]:
    """Per operation of the ledger, for YEAR, recomputed with plain Python from the YAML:
    (planned, notified, paid from the ledger's `verse`, None when it records none); loans
    left out."""
    description = read_description(root)
    if description.get("format") != 2:
        description = convert_format_1(description).data
    out = {}
    for op in description["financements"]["operations"]:
        planned = notified = Decimal(0)
        paid = None
        for funder in op["financeurs"]:
            if funder.get("forme") == "pret":
                continue
            for year in funder["annees"]:
                if year["annee"] != YEAR:
                    continue
                planned += Decimal(str(year["montant"]))
                if year.get("statut") in ("notifie", "engage", "verse", "solde"):
                    notified += Decimal(str(year["montant"]))
                if "verse" in year:
                    paid = (paid or Decimal(0)) + Decimal(str(year["verse"]))
        out[op["id"]] = (op["intitule"], planned, notified, paid)
    return out


def _review_operation_rows(path: Path) -> dict[str, list[str]]:
    rows = {}
    for table in Document(str(path)).tables:
        cells = [[c.text for c in r.cells] for r in table_rows(table)]
        if cells[0][:1] == ["Opération"]:
            rows.update({r[0]: r for r in cells[1:]})
    return rows


def test_every_operation_s_planned_notified_and_paid_money_is_in_the_review_and_workbook(built):
    figures = _operation_figures(EXAMPLE)
    paid = {
        o["id"]: Decimal(str(o["verse"]))
        for o in _load(EXAMPLE / "suivi" / "2025.yaml")["operations"]
    }
    sheet = openpyxl.load_workbook(built / f"tableaux-suivi-{YEAR}.xlsx")["Opérations"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    review = _review_operation_rows(built / f"bilan-annuel-{YEAR}.docx")
    shown = 0
    for op_id, (label, planned, notified, ledger_paid) in figures.items():
        if not planned and op_id not in paid:
            assert op_id not in rows
            continue
        done = paid.get(op_id, ledger_paid or Decimal(0))
        row = rows[op_id]
        assert (row["Prévu"], row["Notifié"], row["Versé"]) == (planned, notified, done), op_id
        assert row["Écart"] == done - planned
        cells = review[label]
        assert cells[2:5] == [montant(planned), montant(notified), montant(done)], op_id
        shown += 1
    assert shown == len(rows) >= 20


def test_the_ledger_s_paid_amounts_count_when_the_follow_up_does_not_say(tmp_path):
    """A pilot may record the `verse` of a year in the ledger itself (financements): the
    follow-up reads it from the ledger and no longer asks for it."""
    from click.testing import CliRunner

    root = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, root)
    path = root / "financements.yaml"
    text = path.read_text(encoding="utf-8")
    line = "            - {annee: 2025, montant: 140000, statut: programme}\n"
    start = text.index("    - id: collecte-encombrants\n")
    at = text.index(line, start)
    text = (
        text[:at]
        + "            - {annee: 2025, montant: 140000, statut: verse, verse: 132500}\n"
        + text[at + len(line) :]
    )
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run(CliRunner(), "bilan", str(YEAR), str(root), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "(collecte-encombrants, epci) : montant versé" not in result.output
    assert "(securite-du-quotidien, etat) : montant versé" in result.output  # still owed
    built = out / root.name / f"suivi-{YEAR}"
    sheet = openpyxl.load_workbook(built / f"tableaux-suivi-{YEAR}.xlsx")["Opérations"]
    row = next(r for r in sheet.iter_rows(2, values_only=True) if r[0] == "collecte-encombrants")
    assert row[3:7] == (140000, 140000, 132500, -7500)
    label = "Renforcer la collecte des encombrants dans les quartiers"
    cells = _review_operation_rows(built / f"bilan-annuel-{YEAR}.docx")[label]
    assert cells[2:5] == [montant(140000), montant(140000), montant(132500)]


def test_the_report_cites_the_law_and_the_decree_but_no_unverified_code_article(built):
    """docs/sources-suivi.md: the article of the regulatory part of the CGCT that codifies the
    décret's list could not be verified; the report cites article L. 1111-2 and the décret,
    never a « D. 1111-… » or « R. 1111-… » article."""
    import re

    text = text_of(built / f"rapport-politique-de-la-ville-{YEAR}.docx").replace("\u00a0", " ")
    assert "article L. 1111-2 du code général des collectivités territoriales" in text
    assert "décret n° 2015-1118" in text
    assert not re.search(r"\b[DR]\.? ?1111-\d", text), re.findall(r".{40}[DR]\.? ?1111-.{20}", text)
    sources = (ROOT / "docs" / "sources-suivi.md").read_text(encoding="utf-8")
    assert "n'a pas pu être\n  vérifié" in sources or "n'a pas pu être vérifié" in sources


def test_a_word_opinion_of_a_conseil_citoyen_is_read_and_annexed(tmp_path):
    from click.testing import CliRunner

    from generator.documents.formatting import typographie

    root = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, root)
    folder = root / "suivi" / str(YEAR) / "avis"
    opinion = Document()
    opinion.add_heading("Avis du conseil citoyen de Montataire", level=1)
    opinion.add_paragraph("")
    opinion.add_paragraph("Le conseil citoyen salue l'ouverture de l'espace jeunesse.")
    paragraph = opinion.add_paragraph("Il demande ")
    paragraph.add_run("un bilan des chantiers éducatifs").bold = True
    paragraph.add_run(" avant l'été.")
    table = opinion.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Vote"
    table.rows[0].cells[1].text = "12 pour, 1 abstention"
    opinion.save(str(folder / "conseil-citoyen-montataire.docx"))
    # Word's lock file of an open document is not an opinion
    (folder / "~$nseil-citoyen-montataire.docx").write_bytes(b"\0" * 162)
    out = tmp_path / "out"
    result = run(CliRunner(), "bilan", str(YEAR), str(root), "-o", str(out))
    assert result.exit_code == 0, result.output
    report = out / root.name / f"suivi-{YEAR}" / f"rapport-politique-de-la-ville-{YEAR}.docx"
    paragraphs = [p.text for p in Document(str(report)).paragraphs]
    at = paragraphs.index("Avis du conseil citoyen de Montataire")
    following = paragraphs[at + 1 : at + 4]
    assert following == [
        "Le conseil citoyen salue l'ouverture de l'espace jeunesse.",
        "Il demande un bilan des chantiers éducatifs avant l'été.",
        typographie("Vote ; 12 pour, 1 abstention"),  # French spacing before « ; »
    ], following
    # the text opinions are still annexed beside it
    assert "Avis du conseil citoyen des Hauts de Creil sur le projet de rapport 2025" in paragraphs


def test_a_broken_word_opinion_is_a_located_french_error(tmp_path):
    from click.testing import CliRunner

    root = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, root)
    broken = root / "suivi" / str(YEAR) / "avis" / "avis-abime.docx"
    broken.write_bytes(b"PK\x03\x04 pas un document")
    out = tmp_path / "out"
    result = run(CliRunner(), "bilan", str(YEAR), str(root), "-o", str(out))
    assert result.exit_code != 0
    assert "avis-abime.docx" in result.output
    assert "avis du conseil citoyen illisible : ce n'est pas un document Word .docx valide" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert not list(out.rglob("rapport-politique-de-la-ville-*.docx"))


def test_a_follow_up_that_cannot_be_written_says_why_in_french(tmp_path, monkeypatch):
    import errno
    import os

    from click.testing import CliRunner
    from test_hostile_faults import _refuse_writes_in

    out = tmp_path / "out"
    _refuse_writes_in(monkeypatch, out, errno.ENOSPC)
    result = run(CliRunner(), "bilan", str(YEAR), str(EXAMPLE), "-o", str(out))
    assert result.exit_code == 1
    assert "impossible d'écrire" in result.output and "plus de place sur le disque" in (
        result.output
    )
    assert "Word ou Excel" in result.output and "--sortie" in result.output
    assert os.strerror(errno.ENOSPC) not in result.output  # the system's English words
