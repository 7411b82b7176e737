"""The documents generated for every example of contracts/: the outline of a contract
(domain.md §2: cover page, signatories, contents, preamble, visas, parts 1 to 11, signature
page, annexes A1-A7), the figures of the financial annex and of the TFPB conventions computed
again here from the YAML files, and no « None » anywhere.

Also holds the helpers that the other document tests import: the text of a .docx (body,
tables, headers and footers, fields included), a French-typography-insensitive comparison,
an independent reading of a territory's YAML files, and the examples built once per session.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import minimal, write_territory
from lxml import etree

from generator.description.reference import qpv_reference
from generator.documents import formatting
from generator.documents.kept_rows import is_holder, rows_of

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
EXAMPLES = sorted(p.name for p in CONTRACTS.iterdir() if (p / "contrat.yaml").is_file())
CONTRACT = "contrat-de-ville.docx"
ANNEX = "annexe-3-financiere.docx"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
YEARS = list(range(2024, 2031))
CENT = Decimal("0.01")
TFPB_YEARS = list(range(2025, 2031))
CREDIT_LABELS = {
    "specifique": "Crédits spécifiques",
    "droit_commun": "Droit commun",
    "investissement": "Investissement",
}
# The eight axes of the national framework (cadre national d'utilisation), in their order.
TFPB_AXES = {
    "presence_proximite": "Renforcement de la présence du personnel de proximité",
    "formation_personnels": "Formation / soutien des personnels de proximité",
    "sur_entretien": "Sur-entretien",
    "dechets_encombrants": "Gestion des déchets et encombrants / épaves",
    "tranquillite": "Tranquillité résidentielle",
    "concertation_locataires": "Concertation / sensibilisation des locataires",
    "animation_lien_social": "Animation, lien social, vivre ensemble",
    "petits_travaux": "Petits travaux d'amélioration de la qualité de service",
}
PARTS = [
    "Cadre du contrat",
    "Diagnostic partagé et concertation",
    "Orientations stratégiques intercommunales",
    "Projets de quartier",
    "Volet investissement",
    "Engagements des signataires",
    "Moyens financiers",
    "Gouvernance et pilotage",
    "Participation des habitants",
    "Observation, suivi et évaluation",
    "Dispositions générales",
]
ANNEXES = [
    "Annexe 1 – Liste des quartiers prioritaires",
    "Annexe 2 – Conventions d'utilisation de l'abattement de TFPB",
    "Annexe 3 – Annexe financière",
    "Annexe 4 – Fiches d'engagement des signataires",
    "Annexe 5 – Tableau de bord des indicateurs",
    "Annexe 6 – Documents associés",
    "Annexe 7 – Glossaire",
]
# The first level of the contents, in the order of the outline.
OUTLINE = ["Préambule", "Visas", *[f"{n}. {t}" for n, t in enumerate(PARTS, 1)], *ANNEXES]


# --- text of a document --------------------------------------------------------------------------


def norm(text: str) -> str:
    """Text compared modulo the typography the renderer applies: no-break spaces (U+00A0,
    U+202F) are spaces, a space before « : ; ! ? % € » and inside « » may be added or not,
    « ... » may be an ellipsis, a non-breaking hyphen is a hyphen, whitespace is collapsed."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2011", "-")
    text = text.replace("...", "…")
    text = re.sub(r"\s+([:;!?%€»])", r"\1", text)
    text = re.sub(r"«\s+", "«", text)
    return re.sub(r"\s+", " ", text).strip()


def majuscule(text: str) -> str:
    return text[:1].upper() + text[1:]


def first_line(text: str) -> str:
    """The first line of a free text, without a list marker: what must appear verbatim."""
    line = next(line for line in text.splitlines() if line.strip())
    return re.sub(r"^\s*[-•–]\s+", "", line).strip()


def _owner(element):
    node = element.getparent()
    while node is not None and node.tag != f"{W}p":
        node = node.getparent()
    return node


def paragraph_text(p) -> str:
    """Text of a w:p as a reader sees it: runs, hyperlinks and simple fields included,
    w:br as a newline, w:tab as a tab; nested paragraphs (text boxes) are left out."""
    parts = []
    for el in p.iter(f"{W}t", f"{W}br", f"{W}cr", f"{W}tab"):
        if _owner(el) is not p:
            continue
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.getparent().tag == f"{W}r":
            parts.append("\t" if el.tag == f"{W}tab" else "\n")
    return "".join(parts)


@dataclass
class Para:
    text: str
    style: str
    in_table: bool
    bookmark: str | None = None  # a `_Toc…` bookmark: the paragraph is a heading of the contents
    anchor: str | None = None  # a contents entry: the bookmark it points to
    element: object = None


@dataclass
class Docx:
    path: Path
    paragraphs: list[Para]
    tables: list[list[list[str]]]
    margins: list[str]  # headers and footers
    parts: dict[str, str] = field(default_factory=dict)  # word/*.xml

    @property
    def text(self) -> str:
        return "\n".join([p.text for p in self.paragraphs] + self.margins)

    @property
    def toc(self) -> list[tuple[int, str, str]]:
        """(level, text without the page number, bookmark) of every contents entry."""
        return [
            (int(p.style[-1]), p.text.split("\t")[0], p.anchor) for p in self.paragraphs if p.anchor
        ]

    def headings(self) -> list[tuple[int, Para]]:
        levels = {anchor: level for level, _, anchor in self.toc}
        return [(levels.get(p.bookmark, 1), p) for p in self.paragraphs if p.bookmark]

    def section(self, title: str) -> list[Para]:
        """The paragraphs under the heading `title`, up to the next heading of its level."""
        headings = self.headings()
        for i, (level, heading) in enumerate(headings):
            if norm(heading.text) == norm(title):
                start = self.paragraphs.index(heading)
                end = next(
                    (self.paragraphs.index(h) for lv, h in headings[i + 1 :] if lv <= level),
                    len(self.paragraphs),
                )
                return self.paragraphs[start + 1 : end]
        raise AssertionError(f"titre « {title} » absent de {self.path.name}")

    def section_text(self, title: str) -> str:
        return norm("\n".join(p.text for p in self.section(title)))

    def table(self, first_header: str, second_header: str | None = None) -> list[list[str]]:
        """The first table whose header row starts with these cells."""
        for rows in self.tables:
            head = [norm(c) for c in rows[0]]
            if head[0] == first_header and (second_header is None or head[1] == second_header):
                return rows
        raise AssertionError(f"tableau « {first_header} » absent de {self.path.name}")


def _cell_text(tc) -> str:
    return "\n".join(paragraph_text(p) for p in tc.iter(f"{W}p"))


def read_docx(path: Path) -> Docx:
    """The parsed document (cached on its bytes: a rebuilt document is read again)."""
    return _parse_docx(Path(path), Path(path).read_bytes())


@cache
def _parse_docx(path: Path, data: bytes) -> Docx:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {
            name: package.read(name).decode("utf-8")
            for name in package.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }
    styles = etree.fromstring(parts["word/styles.xml"].encode())
    names = {
        s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val")
        for s in styles.iter(f"{W}style")
        if s.find(f"{W}name") is not None
    }
    body = etree.fromstring(parts["word/document.xml"].encode()).find(f"{W}body")
    paragraphs = []
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        marks = [
            b.get(f"{W}name")
            for b in p.iter(f"{W}bookmarkStart")
            if b.get(f"{W}name", "").startswith("_Toc")
        ]
        links = [h.get(f"{W}anchor") for h in p.iter(f"{W}hyperlink") if h.get(f"{W}anchor")]
        paragraphs.append(
            Para(
                text=paragraph_text(p),
                style=names.get(style.get(f"{W}val"), "") if style is not None else "Normal",
                in_table=any(a.tag == f"{W}tc" for a in p.iterancestors()),
                bookmark=marks[0] if marks else None,
                anchor=links[0] if links and links[0].startswith("_Toc") else None,
                element=p,
            )
        )
    tables = [
        [[_cell_text(tc) for tc in tr.findall(f"{W}tc")] for tr in rows_of(tbl)]
        for tbl in body.iter(f"{W}tbl")
        # the last rows of a table, kept together in a nested table, are read in their table
        if not (tbl.getparent().tag == f"{W}tc" and is_holder(tbl.getparent().getparent()))
    ]
    margins = []
    for name, xml in sorted(parts.items()):
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            root = etree.fromstring(xml.encode())
            margins.extend(paragraph_text(p) for p in root.iter(f"{W}p"))
    return Docx(path, paragraphs, tables, margins, parts)


# --- descriptions, read again from the YAML files ------------------------------------------------


def ledger_lines(desc: dict, by_qpv: bool = False, loans: bool = False) -> list[dict]:
    """Every money line of the description, by plain Python over the YAML dicts (no ledger
    module): one line per operation, funder and year, loans left out (never added to grants).
    A format-1 description is first converted (generator.ledger.convert, the migration's
    function); `by_qpv` splits each line over its QPV shares (in % or in amounts over the whole
    operation), each share rounded to the cent and the rest on the last one."""
    if desc.get("format") != 2:
        from generator.ledger.convert import convert_format_1

        desc = convert_format_1(desc).data
    out = []
    for op in desc.get("financements", {}).get("operations", []):
        shares = op.get("repartition")
        shares = shares if isinstance(shares, list) else [{"qpv": None, "part": 100}]
        weights = [dec(s["part"] if "part" in s else s["montant"]) for s in shares]
        for funder in op["financeurs"]:
            if funder.get("forme") == "pret" and not loans:
                continue
            for year in funder["annees"]:
                line = {
                    "annee": year["annee"],
                    "montant": year["montant"],
                    "type": op["nature"],
                    "financeur": funder["financeur"],
                    "orientation": op.get("orientation"),
                }
                if not by_qpv:
                    out.append(line)
                    continue
                rest = dec(year["montant"])
                for share, weight in zip(shares[:-1], weights, strict=False):
                    part = (dec(year["montant"]) * weight / sum(weights)).quantize(
                        CENT, ROUND_HALF_EVEN
                    )
                    out.append(dict(line, qpv=share["qpv"], montant=part))
                    rest -= part
                out.append(dict(line, qpv=shares[-1]["qpv"], montant=rest))
    return out


@cache
def read_description(root: Path) -> dict:
    """A territory's description merged from its files, independently of generator.description.load:
    every top-level file adds its sections, every file of engagements/, tfpb/ and quartiers/
    is one item of that list."""
    data: dict = {}
    for path in sorted(root.glob("*.yaml")):
        data.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    for folder in ("engagements", "tfpb", "quartiers"):
        for path in sorted((root / folder).glob("*.yaml")):
            data.setdefault(folder, []).append(yaml.safe_load(path.read_text(encoding="utf-8")))
    return data


def signing(desc: dict) -> list[dict]:
    return [s for s in desc["signataires"] if s.get("role", "signataire") == "signataire"]


def qpv_name(qpv: dict) -> str:
    return qpv.get("nom") or qpv_reference()[qpv["code"]].nom


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def tfpb_file(convention: dict) -> str:
    return f"annexe-2-convention-tfpb-{slug(convention['bailleur'])}.docx"


def money(value) -> str:
    return norm(formatting.montant(value))


def dec(value) -> Decimal:
    return Decimal(str(value))


# --- the examples, built once per session --------------------------------------------------------

_BUILT: dict[str, Path] = {}


def built_examples(factory) -> Path:
    """Output folder of one build of every example (session-wide, whoever asks first)."""
    if "out" not in _BUILT:
        from generator.documents.build import BUILT, build_many
        from generator.documents.templates import load_template_set

        out = factory.mktemp("exemples")
        roots = [CONTRACTS / name for name in EXAMPLES]
        results = build_many(roots, out, load_template_set())
        assert [r.status for r in results] == [BUILT] * len(roots), [r.message for r in results]
        _BUILT["out"] = out
    return _BUILT["out"]


@pytest.fixture(scope="session")
def examples(tmp_path_factory) -> Path:
    return built_examples(tmp_path_factory)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """The tests' minimal territory (conftest.minimal: with financing lines and a TFPB
    convention), plus a TFPB year whose actions miss the abatement (a negative gap)."""
    from generator.documents.build import BUILT, build_territory
    from generator.documents.templates import load_template_set

    data = minimal()
    data["tfpb"][0]["abattement_estime"].append({"annee": 2027, "montant": 120000.5})
    data["financements"]["operations"].append(
        {
            "id": "centre-social",
            "intitule": "Centre social",
            "nature": "droit_commun",
            "repartition": [{"qpv": "QN06001M", "part": 100}],
            "financeurs": [
                {"financeur": "commune-creil", "annees": [{"annee": 2026, "montant": 12345.67}]}
            ],
        }
    )
    base = tmp_path_factory.mktemp("petit")
    root = write_territory(base / "petit", data)
    result = build_territory(root, base / "out", load_template_set())
    assert result.status == BUILT, result.message
    return base / "out" / "petit"


def example_docs(examples: Path, name: str) -> tuple[dict, Docx]:
    return read_description(CONTRACTS / name), read_docx(examples / name / CONTRACT)


# --- the files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_gives_its_documents(examples, name):
    desc = read_description(CONTRACTS / name)
    expected = {CONTRACT, ANNEX, "manifeste.json"} | {tfpb_file(c) for c in desc.get("tfpb", [])}
    assert {p.name for p in (examples / name).iterdir()} == expected


# --- the outline of the contract -----------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_cover_page(examples, name):
    desc, doc = example_docs(examples, name)
    end = next(i for i, p in enumerate(doc.paragraphs) if p.text == "Signataires")
    cover = norm("\n".join(p.text for p in doc.paragraphs[:end]))
    contrat = desc["contrat"]
    for expected in (
        desc["territoire"]["epci"]["nom"],
        "Contrat de ville",
        "Engagements Quartiers 2030",
        "2024-2030",
        f"Version {contrat['version']} du {formatting.date_fr(contrat['date'])}",
        "Statut : " + {"projet": "Projet", "final": "Version finale"}[contrat["statut"]],
    ):
        assert norm(expected) in cover, expected
    if contrat.get("sous_titre"):
        assert norm(f"« {contrat['sous_titre']} »") in cover


@pytest.mark.parametrize("name", EXAMPLES)
def test_signatories_and_associated_partners(examples, name):
    desc, doc = example_docs(examples, name)
    start = next(i for i, p in enumerate(doc.paragraphs) if p.text == "Signataires")
    end = next(i for i, p in enumerate(doc.paragraphs) if p.text == "Sommaire")
    listed = norm("\n".join(p.text for p in doc.paragraphs[start:end]))
    for s in desc["signataires"]:
        assert norm(majuscule(s["nom"])) in listed, s["nom"]
        if s.get("representant") and s in signing(desc):
            assert norm(majuscule(s["representant"])) in listed
    associated = [s for s in desc["signataires"] if s.get("role") == "associe"]
    assert ("Partenaires associés" in listed) == bool(associated)


@pytest.mark.parametrize("name", EXAMPLES)
def test_table_of_contents_follows_the_outline(examples, name):
    desc, doc = example_docs(examples, name)
    toc = doc.toc
    assert [text for level, text, _ in toc if level == 1] == OUTLINE
    start = next(i for i, p in enumerate(doc.paragraphs) if p.text == "Sommaire")
    assert doc.paragraphs[start + 1].anchor, "le sommaire suit son titre"
    # every entry points to a heading of the same text, in the order of the document
    headings = {p.bookmark: p for p in doc.paragraphs if p.bookmark}
    order = [doc.paragraphs.index(headings[anchor]) for _, _, anchor in toc]
    assert order == sorted(order)
    for _, text, anchor in toc:
        assert norm(text).endswith(norm(headings[anchor].text)), text
    # and holds a page reference that Word and LibreOffice fill in
    for p in doc.paragraphs:
        if p.anchor:
            instructions = "".join(i.text for i in p.element.iter(f"{W}instrText"))
            assert f"PAGEREF {p.anchor}" in instructions
    # parts 3 and 4: one sub-part per orientation, one per projet de quartier
    level2 = [text for level, text, _ in toc if level == 2]
    for n, orientation in enumerate(desc["orientations"], 1):
        assert norm(f"3.{n}. {orientation['titre']}") in map(norm, level2)
    codes = [q["qpv"] for q in desc["quartiers"]]
    projects = [q for q in desc["territoire"]["qpv"] if q["code"] in codes]
    for n, qpv in enumerate(projects, 1):
        assert norm(f"4.{n}. {qpv_name(qpv)}") in map(norm, level2)


@pytest.mark.parametrize("name", EXAMPLES)
def test_preamble_and_visas(examples, name):
    desc, doc = example_docs(examples, name)
    preamble = doc.section_text("Préambule")
    assert (
        "Le présent contrat s'applique à la géographie prioritaire fixée par le décret" in preamble
    )
    if desc["contrat"].get("preambule"):
        # the territory's own preamble replaces the standard one (not printed twice)
        assert norm(first_line(desc["contrat"]["preambule"])) in preamble
        assert "de programmation pour la ville et la cohésion urbaine fixe" not in preamble
    else:
        assert "loi n° 2014-173 du 21 février 2014" in preamble
    visas = doc.section_text("Visas")
    for visa in (
        "Vu la loi n° 2014-173 du 21 février 2014",
        "Vu le décret n° 2023-1314 du 28 décembre 2023",
        "Vu la circulaire du 31 août 2023",
        "Vu l'instruction du 4 janvier 2024",
    ):
        assert visa in visas


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_1_territory_and_priority_areas(examples, name):
    desc, doc = example_docs(examples, name)
    text = doc.section_text("Cadre du contrat")
    territoire = desc["territoire"]
    assert norm(territoire["epci"]["nom"]) in text
    for commune in territoire["communes"]:
        assert commune["nom"] in text and commune["insee"] in text
    rows = {norm(r[0]): [norm(c) for c in r] for r in doc.table("Code", "Quartier")[1:]}
    reference = qpv_reference()
    for qpv in territoire["qpv"]:
        row = rows[qpv["code"]]
        assert norm(qpv_name(qpv)) in row[1]
        assert all(commune in row[2] for commune in reference[qpv["code"]].communes)
        assert row[3] == norm(formatting.nombre(qpv["population"]))
    total = sum(q["population"] for q in territoire["qpv"])
    assert rows["Ensemble des quartiers"][3] == norm(formatting.nombre(total))
    for area in territoire.get("territoires_vigilance", []):
        assert norm(area["nom"]) in text
    for strategy in territoire.get("strategies", []):
        assert norm(strategy["nom"]) in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_2_diagnostic_and_consultation(examples, name):
    desc, doc = example_docs(examples, name)
    text = doc.section_text("Diagnostic partagé et concertation")
    diagnostic = desc.get("diagnostic", {})
    if diagnostic.get("synthese"):
        assert norm(first_line(diagnostic["synthese"])) in text
    for indicator in diagnostic.get("indicateurs", []):
        assert norm(indicator["libelle"]) in text
    concertation = desc.get("concertation", {})
    if concertation.get("synthese"):
        assert norm(first_line(concertation["synthese"])) in text
    for item in concertation.get("formats", []):
        assert norm(item["type"]) in text
    for expectation in concertation.get("attentes", []):
        assert norm(expectation) in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_3_orientations(examples, name):
    desc, doc = example_docs(examples, name)
    for orientation in desc["orientations"]:
        text = doc.section_text(orientation["titre"])
        for objective in orientation["objectifs"]:
            assert norm(first_line(objective["libelle"])) in text
            if objective.get("indicateur"):
                assert norm(objective["indicateur"]["libelle"]) in text
    text = doc.section_text("Orientations stratégiques intercommunales")
    for priority in desc.get("priorites_transversales", []):
        assert norm(priority["titre"]) in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_4_projets_de_quartier(examples, name):
    desc, doc = example_docs(examples, name)
    qpvs = {q["code"]: q for q in desc["territoire"]["qpv"]}
    for project in desc["quartiers"]:
        qpv = qpvs[project["qpv"]]
        text = doc.section_text(qpv_name(qpv))
        assert qpv["code"] in text
        assert norm(first_line(project["portrait"])) in text
        for action in project.get("actions", []):
            assert norm(action["libelle"]) in text
        for priority in project.get("priorites_habitants", []):
            assert norm(priority) in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_5_investment(examples, name):
    desc, doc = example_docs(examples, name)
    text = doc.section_text("Volet investissement")
    investments = desc.get("investissements", [])
    for investment in investments:
        assert norm(investment["intitule"]) in text
        assert money(investment["cout_total"]) in text
    if investments:
        assert money(sum(dec(i["cout_total"]) for i in investments)) in text
    else:
        assert "Aucun projet d'investissement" in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_6_commitments_of_the_signatories(examples, name):
    desc, doc = example_docs(examples, name)
    text = doc.section_text("Engagements des signataires")
    names = {s["id"]: s["nom"] for s in desc["signataires"]}
    for sheet in desc.get("engagements", []):
        assert norm(majuscule(names[sheet["signataire"]])) in text
    annex = doc.section_text(ANNEXES[3])
    for sheet in desc.get("engagements", []):
        assert norm(majuscule(names[sheet["signataire"]])) in annex
        for objective in sheet["objectifs"]:
            assert norm(first_line(objective["libelle"])) in annex


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_7_financial_means(examples, name):
    desc, doc = example_docs(examples, name)
    text = doc.section_text("Moyens financiers")
    lines = ledger_lines(desc)
    if not lines:
        assert "Aucune ligne de financement" in norm(doc.text) or "À compléter" in text
        return
    total = sum(dec(line["montant"]) for line in lines)
    assert money(total) in text
    assert formatting.montant_lettres(total) in text
    rows = {norm(r[0]): [norm(c) for c in r] for r in doc.table("Année", "Crédits spécifiques")}
    for year in YEARS:
        year_lines = [line for line in lines if line["annee"] == year]
        expected = [
            money(sum((dec(x["montant"]) for x in year_lines if x["type"] == t), Decimal(0)))
            for t in CREDIT_LABELS
        ]
        total_year = sum((dec(x["montant"]) for x in year_lines), Decimal(0))
        assert rows[str(year)][1:] == [*expected, money(total_year)], year
    assert rows["Total 2024-2030"][-1] == money(total)


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_8_governance(examples, name):
    desc, doc = example_docs(examples, name)
    text = doc.section_text("Gouvernance et pilotage")
    for instance in desc["gouvernance"]["instances"]:
        assert norm(instance["nom"]) in text
        if instance.get("conseils_citoyens"):
            assert "Conseils citoyens" in doc.section_text(instance["nom"])
    for member in desc["gouvernance"].get("equipe_projet", []):
        assert norm(member["fonction"]) in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_9_participation(examples, name):
    desc, doc = example_docs(examples, name)
    text = doc.section_text("Participation des habitants")
    participation = desc.get("participation", {})
    for council in participation.get("conseils_citoyens", []):
        assert norm(council["nom"]) in text
    for other in participation.get("autres_formats", []):
        assert norm(other["nom"]) in text
    for commitment in participation.get("engagements", []):
        line = commitment if isinstance(commitment, str) else commitment.get("libelle", "")
        assert norm(first_line(line)) in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_10_evaluation(examples, name):
    desc, doc = example_docs(examples, name)
    text = doc.section_text("Observation, suivi et évaluation")
    for heading in ("Revue annuelle", "Clause de revoyure de 2027", "Rapport annuel"):
        assert heading in text
    evaluation = desc.get("evaluation", {})
    for source in evaluation.get("sources", []):
        assert norm(source) in text
    for key in ("partage_donnees", "structure_locale", "revue_annuelle", "rapport_annuel"):
        if evaluation.get(key):
            assert norm(first_line(evaluation[key])) in text
    dashboard = doc.section_text(ANNEXES[4])
    for indicator in evaluation.get("indicateurs", []):
        assert norm(indicator["libelle"]) in dashboard
    for orientation in desc["orientations"]:
        for objective in orientation["objectifs"]:
            if objective.get("indicateur"):
                assert norm(objective["indicateur"]["libelle"]) in dashboard


@pytest.mark.parametrize("name", EXAMPLES)
def test_part_11_and_the_signature_page(examples, name):
    desc, doc = example_docs(examples, name)
    text = doc.section_text("Dispositions générales")
    assert "du 1er janvier 2024 au 31 décembre 2030" in text
    page = doc.section_text("Signatures")
    place = desc["contrat"].get("lieu_signature")
    assert page.startswith(f"Fait à {place}," if place else "Fait à …")
    for s in signing(desc):
        assert norm(f"Pour {s['nom']},") in page, s["nom"]
        if s.get("representant"):
            assert norm(majuscule(s["representant"])) in page
        if s.get("signataire_nom"):
            assert norm(s["signataire_nom"]) in page
    for s in desc["signataires"]:
        if s not in signing(desc):
            assert norm(f"Pour {s['nom']},") not in page


@pytest.mark.parametrize("name", EXAMPLES)
def test_annexes(examples, name):
    desc, doc = example_docs(examples, name)
    a1 = doc.section_text(ANNEXES[0])
    reference = qpv_reference()
    for qpv in desc["territoire"]["qpv"]:
        assert qpv["code"] in a1 and norm(reference[qpv["code"]].nom) in a1
    a2 = doc.section_text(ANNEXES[1])
    names = {s["id"]: s["nom"] for s in desc["signataires"]}
    conventions = desc.get("tfpb", [])
    for convention in conventions:
        assert norm(f"Convention avec {names[convention['bailleur']]}") in a2
        total = sum(dec(a["montant"]) for a in convention["abattement_estime"])
        assert money(total) in a2
    if not conventions:
        assert "Aucune convention" in a2
    a3 = doc.section_text(ANNEXES[2])
    lines = ledger_lines(desc)
    if lines:
        assert money(sum(dec(line["montant"]) for line in lines)) in a3
    a6 = doc.section_text(ANNEXES[5])
    for document in desc.get("annexes", []):
        assert norm(document["titre"]) in a6
    a7 = doc.section_text(ANNEXES[6])
    for acronym in ("QPV", "TFPB", "EPCI", "CPO"):
        assert acronym in a7


@pytest.mark.parametrize("name", EXAMPLES)
def test_headers_and_footers_name_the_territory_and_the_version(examples, name):
    desc, doc = example_docs(examples, name)
    margins = norm("\n".join(doc.margins))
    assert norm(desc["territoire"]["epci"]["nom"]) in margins
    assert norm(f"version {desc['contrat']['version']}") in margins
    assert "Page" in margins


# --- nothing left over ---------------------------------------------------------------------------


def _all_documents(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.docx"))


def test_no_none_no_tag_no_marker_in_any_generated_document(examples, small):
    """Optional fields that are missing render as nothing: never « None », never a template
    tag, never one of the toolkit's private markers."""
    documents = _all_documents(examples) + _all_documents(small)
    assert len(documents) >= 4 * 2 + 7 + 2
    for path in documents:
        doc = read_docx(path)
        text = doc.text
        assert not re.search(r"\bNone\b", text), path
        assert "{{" not in text and "{%" not in text, path
        assert not re.search("[\ue000-\uf8ff]", text), path
        for name, xml in doc.parts.items():
            assert not re.search(r">[^<]*\bNone\b", xml), (path, name)


# --- the financial annex -------------------------------------------------------------------------


def _sum_by(lines: list[dict], key) -> dict:
    table: dict = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        table[key(line)][line["annee"]] += dec(line["montant"])
    return table


def _expect_rows(
    rows: list[list[str]], expected: dict, labels: dict, width: int = 1, programmed=None
) -> None:
    """Each expected group has a row labelled as in `labels`, with its amount per year and
    its total (« non programmé » for a year with no operation at all, never « 0 € »); the
    « Total » row holds the totals per year and the grand total."""
    programmed = set(YEARS) if programmed is None else programmed
    found = {norm(r[0]) if width == 1 else tuple(map(norm, r[:width])): r for r in rows[1:]}
    for key, per_year in expected.items():
        label = labels[key]
        row = found[norm(label) if isinstance(label, str) else tuple(map(norm, label))]
        amounts = [per_year.get(y, Decimal(0)) for y in YEARS]
        assert [norm(c) for c in row[width:]] == [
            money(a) if y in programmed else "non programmé"
            for y, a in zip(YEARS, amounts, strict=True)
        ] + [money(sum(amounts))], labels[key]
    assert len(found) == len(expected) + 1, "une ligne par groupe, plus le total"


def annex_cases(examples: Path, small: Path) -> list[tuple[dict, Path]]:
    cases = [
        (read_description(CONTRACTS / name), examples / name)
        for name in EXAMPLES
        if ledger_lines(read_description(CONTRACTS / name))
    ]
    return [*cases, (read_description(small.parent.parent / "petit"), small)]


def test_financial_annex_figures_are_the_sums_of_the_description(examples, small):
    cases = annex_cases(examples, small)
    assert len(cases) >= 3, "au moins deux exemples avec des financements, et le petit territoire"
    for desc, folder in cases:
        doc = read_docx(folder / ANNEX)
        lines = ledger_lines(desc)
        header = ["", *map(str, YEARS), "Total 2024-2030"]
        names = {s["id"]: majuscule(s["nom"]) for s in desc["signataires"]}
        from generator.ledger.convert import convert_format_1

        converted = desc if desc.get("format") == 2 else convert_format_1(desc).data
        names.update({p["id"]: majuscule(p["nom"]) for p in converted.get("partenaires", [])})
        names.update({x["financeur"]: x["financeur"] for x in lines if x["financeur"] not in names})
        orientations = {o["id"]: o["titre"] for o in desc["orientations"]}
        qpvs = {q["code"]: f"{qpv_name(q)} ({q['code']})" for q in desc["territoire"]["qpv"]}
        grand_total = sum(dec(line["montant"]) for line in lines)
        programmed = {line["annee"] for line in ledger_lines(desc, loans=True)}

        def expect_rows(rows, expected, labels, width=1, programmed=programmed):
            _expect_rows(rows, expected, labels, width, programmed)

        by_type = doc.table("Nature des crédits")
        assert [norm(c) for c in by_type[0]][1:] == header[1:]
        expect_rows(by_type, _sum_by(lines, lambda x: x["type"]), CREDIT_LABELS)

        by_funder = doc.table("Financeur", "2024")
        expect_rows(by_funder, _sum_by(lines, lambda x: x["financeur"]), names)

        pairs = _sum_by(lines, lambda x: (x["financeur"], x["type"]))
        labels = {(f, t): (names[f], CREDIT_LABELS[t]) for f, t in pairs}
        expect_rows(doc.table("Financeur", "Nature"), pairs, labels, width=2)

        by_orientation = _sum_by(
            lines,
            lambda x, known=orientations: (
                x.get("orientation") if x.get("orientation") in known else None
            ),
        )
        expect_rows(doc.table("Orientation"), by_orientation, {**orientations, None: "Transversal"})

        by_qpv = _sum_by(
            ledger_lines(desc, by_qpv=True),
            lambda x, known=qpvs: x.get("qpv") if x.get("qpv") in known else None,
        )
        expect_rows(doc.table("Quartier"), by_qpv, {**qpvs, None: "Intercommunal"})

        for rows in (by_type, by_funder, doc.table("Orientation"), doc.table("Quartier")):
            total = [norm(c) for c in rows[-1]]
            assert total[0] == "Total" and total[-1] == money(grand_total)

        detail = doc.table("Année", "Financeur")
        assert norm(detail[0][-1]) == "Montant"
        body = [[norm(c) for c in r] for r in detail[1:]]
        listed = Counter((r[0], r[1], r[-1]) for r in body if not r[0].startswith("Total"))
        assert listed == Counter(
            (str(x["annee"]), norm(names[x["financeur"]]), money(x["montant"])) for x in lines
        )
        totals = {r[0]: r[-1] for r in body if r[0].startswith("Total")}
        for year in {x["annee"] for x in lines}:
            amount = sum(dec(x["montant"]) for x in lines if x["annee"] == year)
            assert totals[f"Total {year}"] == money(amount)
        assert totals["Total 2024-2030"] == money(grand_total)

        intro = norm("\n".join(p.text for p in doc.paragraphs[:6]))
        assert money(grand_total) in intro
        assert formatting.montant_lettres(grand_total) in intro


def test_financial_annex_shows_cents_only_where_there_are_some(small):
    doc = read_docx(small / ANNEX)
    text = norm(doc.text)
    assert norm("12 345,67 €") in text
    assert norm(",00 €") not in text


def _convention_cases(examples: Path, small: Path):
    for name in EXAMPLES:
        desc = read_description(CONTRACTS / name)
        for convention in desc.get("tfpb", []):
            yield desc, convention, examples / name / tfpb_file(convention)
    desc = read_description(small.parent.parent / "petit")
    yield desc, desc["tfpb"][0], small / tfpb_file(desc["tfpb"][0])


def test_tfpb_convention_figures_are_the_sums_of_the_description(examples, small):
    cases = list(_convention_cases(examples, small))
    expected = sum(len(read_description(CONTRACTS / n).get("tfpb", [])) for n in EXAMPLES)
    assert len(cases) == expected + 1 and expected >= 2
    deficits = 0
    for desc, convention, path in cases:
        doc = read_docx(path)
        abatement = defaultdict(Decimal)
        for entry in convention["abattement_estime"]:
            abatement[entry["annee"]] += dec(entry["montant"])
        actions = defaultdict(Decimal)
        per_axis: dict = defaultdict(lambda: defaultdict(Decimal))
        for action in convention["actions"]:
            for cost in action["couts"]:
                actions[cost["annee"]] += dec(cost["montant"])
                per_axis[action["axe"]][cost["annee"]] += dec(cost["montant"])

        rows = {norm(r[0]): [norm(c) for c in r[1:]] for r in doc.table("Année d'imposition")}
        for year in TFPB_YEARS:
            assert rows[str(year)] == [money(abatement[year])], year
        assert rows["Total 2025-2030"] == [money(sum(abatement.values()))]

        rows = {
            norm(r[0]): [norm(c) for c in r[1:]] for r in doc.table("Année", "Abattement estimé")
        }
        for year in TFPB_YEARS:
            gap = actions[year] - abatement[year]
            deficits += gap < 0
            assert rows[str(year)] == [
                money(abatement[year]),
                money(actions[year]),
                money(gap),
            ], (path.name, year)
        total_gap = sum(actions.values()) - sum(abatement.values())
        assert rows["Total 2025-2030"] == [
            money(sum(abatement.values())),
            money(sum(actions.values())),
            money(total_gap),
        ]

        rows = {norm(r[0]): [norm(c) for c in r[1:]] for r in doc.table("Axe du cadre national")}
        for number, (key, label) in enumerate(TFPB_AXES.items(), 1):
            amounts = [per_axis[key][y] for y in TFPB_YEARS]
            assert rows[f"{number}. {label}"] == [money(a) for a in amounts] + [money(sum(amounts))]
        assert rows["Total des actions"] == [money(actions[y]) for y in TFPB_YEARS] + [
            money(sum(actions.values()))
        ]

        housing = {norm(r[1]): norm(r[-1]) for r in doc.table("Quartier prioritaire")[1:]}
        for item in convention["patrimoine"]:
            assert housing[item["qpv"]] == norm(formatting.nombre(item["logements"]))
        total = sum(item["logements"] for item in convention["patrimoine"])
        assert norm(doc.table("Quartier prioritaire")[-1][-1]) == norm(formatting.nombre(total))

        names = {s["id"]: s["nom"] for s in desc["signataires"]}
        text = norm(doc.text)
        assert norm(names[convention["bailleur"]]) in text
        assert norm(desc["territoire"]["epci"]["nom"]) in text
    assert deficits >= 1, "le cas d'un écart négatif est couvert"


def test_a_negative_gap_is_written_with_a_minus_sign(small):
    doc = read_docx(small / tfpb_file(minimal()["tfpb"][0]))
    rows = {norm(r[0]): [norm(c) for c in r[1:]] for r in doc.table("Année", "Abattement estimé")}
    assert rows["2027"] == [norm("120 000,50 €"), norm("0 €"), norm("\u2212120 000,50 €")]
    assert "n'atteignent pas l'abattement estimé pour l'année 2027" in norm(doc.text)
