"""Issue 10, « Done when »: every total is recomputed from the YAML files with plain Python —
no module of the generator reads the money here — and the same figure is found in §5, §6 and
§7 of the contract and in every table of the financial annex, for every example: 0 differences.
A second test scans every generated document of every example for a raw identifier of the
description (« Region » for a signatory, an operation's id) instead of its name.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from test_documents import (
    ANNEX,
    CONTRACT,
    CONTRACTS,
    EXAMPLES,
    YEARS,
    dec,
    examples,  # noqa: F401 - the session fixture: every example built once
    majuscule,
    money,
    norm,
    qpv_name,
    read_description,
    read_docx,
)

from generator.documents import formatting

NATURES = {
    "specifique": "Crédits spécifiques",
    "droit_commun": "Droit commun",
    "investissement": "Investissement",
}
MODES = {
    "appel_a_projets": "Appel à projets",
    "cpo": "Convention pluriannuelle d'objectifs",
    "adultes_relais": "Convention adultes-relais",
    "fonjep": "Poste FONJEP",
    "subvention_investissement": "Subvention d'investissement",
    "autre": "Autre",
    None: "Non précisé",
}
FORMS = {
    "subvention": "Subvention",
    "pret": "Prêt",
    "fonds_propres": "Fonds propres",
    "valorisation": "Valorisation",
}
UNITS = {  # unit: (label of the annex, singular, plural)
    "postes": ("Postes", "poste", "postes"),
    "etp": ("Équivalents temps plein", "ETP", "ETP"),
    "places": ("Places", "place", "places"),
    "logements": ("Logements", "logement", "logements"),
    "beneficiaires": ("Bénéficiaires", "bénéficiaire", "bénéficiaires"),
}
CENT = Decimal("0.01")
ZERO = Decimal(0)


# --------------------------------------------------------------------------- the YAML, by hand


class Money:
    """The money of one description, added up here from its dicts."""

    def __init__(self, desc: dict):
        assert desc.get("format") == 2, "the shipped examples are in format 2"
        self.desc = desc
        financing = desc.get("financements") or {}
        self.ops = {op["id"]: op for op in financing.get("operations") or []}
        self.totals = financing.get("totaux") or []
        self.names = {s["id"]: s["nom"] for s in desc.get("signataires", [])}
        self.names.update({p["id"]: p["nom"] for p in desc.get("partenaires", [])})
        self.lines = []  # one per operation, funder and year of the contract
        for op in self.ops.values():
            for funder in op["financeurs"]:
                for year in funder["annees"]:
                    if year["annee"] in YEARS:
                        self.lines.append(
                            {
                                "op": op,
                                "funder": funder["financeur"],
                                "form": funder.get("forme", "subvention"),
                                "year": year["annee"],
                                "amount": dec(year["montant"]),
                            }
                        )
        self.counted = [x for x in self.lines if x["form"] != "pret"]  # loans apart, always
        self.programmed = {x["year"] for x in self.lines}

    def by(self, key, lines=None) -> dict:
        out: dict = defaultdict(lambda: defaultdict(Decimal))
        for x in self.counted if lines is None else lines:
            out[key(x)][x["year"]] += x["amount"]
        return out

    def total(self, lines=None) -> Decimal:
        return sum((x["amount"] for x in (self.counted if lines is None else lines)), ZERO)

    def shares(self, op: dict) -> list[tuple[str | None, Decimal]]:
        items = op.get("repartition")
        if not isinstance(items, list):
            return [(None, Decimal(1))]
        weights = [dec(i["part"] if "part" in i else i["montant"]) for i in items]
        return [(i["qpv"], w / sum(weights)) for i, w in zip(items, weights, strict=True)]

    def by_qpv(self) -> dict:
        out: dict = defaultdict(lambda: defaultdict(Decimal))
        for x in self.counted:
            shares = self.shares(x["op"])
            rest = x["amount"]
            for qpv, fraction in shares[:-1]:
                part = (x["amount"] * fraction).quantize(CENT, rounding=ROUND_HALF_EVEN)
                out[qpv][x["year"]] += part
                rest -= part
            out[shares[-1][0]][x["year"]] += rest
        return out

    def quantities(self, op_ids, extra=()) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for op_id in dict.fromkeys(op_ids):
            for q in self.ops[op_id].get("quantites", []):
                out[q["unite"]] += dec(q["valeur"])
        for q in extra:
            out[q["unite"]] += dec(q["valeur"])
        return {u: out[u] for u in UNITS if u in out}


def quantities_text(found: dict[str, Decimal]) -> str:
    if not found:
        return "—"
    return ", ".join(
        f"{formatting.nombre(v)} {UNITS[u][1] if abs(v) < 2 else UNITS[u][2]}"
        for u, v in found.items()
    )


def year_cells(money_of_year: dict, programmed: set) -> list[str]:
    cells = [
        money(money_of_year.get(y, ZERO)) if y in programmed else "non programmé" for y in YEARS
    ]
    return cells + [money(sum(money_of_year.values(), ZERO))]


def expect_table(rows: list[list[str]], expected: list[list[str]], what: str) -> int:
    """The table's rows (header left out) are exactly `expected`, in any order; returns the
    number of figures compared."""
    got = Counter(tuple(norm(c) for c in row) for row in rows[1:])
    want = Counter(tuple(norm(c) for c in row) for row in expected)
    assert got == want, f"{what} : en trop {got - want}, manquant {want - got}"
    return sum(len(r) for r in expected)


def cases():
    return [name for name in EXAMPLES if Money(read_description(CONTRACTS / name)).lines]


# --------------------------------------------------------------------------- the annex


@pytest.mark.parametrize("name", cases())
def test_every_table_of_the_annex_holds_the_figures_of_the_yaml(examples, name):  # noqa: F811
    m = Money(read_description(CONTRACTS / name))
    doc = read_docx(examples / name / ANNEX)
    names = {k: majuscule(v) for k, v in m.names.items()}
    total = m.total()
    grand = ["Total", *year_cells(m.by(lambda x: 0)[0], m.programmed)]
    compared = 0

    def table_of(grouped: dict, labels: dict, width_label=lambda k: [k]) -> list[list[str]]:
        return [[*width_label(labels[k]), *year_cells(v, m.programmed)] for k, v in grouped.items()]

    compared += expect_table(
        doc.table("Nature des crédits"),
        [*table_of(m.by(lambda x: x["op"]["nature"]), NATURES), grand],
        "par nature",
    )
    compared += expect_table(
        doc.table("Financeur", "2024"),
        [*table_of(m.by(lambda x: x["funder"]), names), grand],
        "par financeur",
    )
    pairs = m.by(lambda x: (x["funder"], x["op"]["nature"]))
    compared += expect_table(
        doc.table("Financeur", "Nature"),
        [
            *[[names[f], NATURES[n], *year_cells(v, m.programmed)] for (f, n), v in pairs.items()],
            grand,  # « Total » over the two first columns
        ],
        "par financeur et nature",
    )
    titles = {o["id"]: o["titre"] for o in m.desc["orientations"]}
    titles[None] = "Transversal"
    by_orientation = m.by(lambda x: x["op"].get("orientation") if x["op"].get("orientation")
                          in titles else None)  # fmt: skip
    compared += expect_table(
        doc.table("Orientation"), [*table_of(by_orientation, titles), grand], "par orientation"
    )
    qpvs = {q["code"]: f"{qpv_name(q)} ({q['code']})" for q in m.desc["territoire"]["qpv"]}
    qpvs[None] = "Intercommunal"
    by_qpv = m.by_qpv()
    qpv_table = doc.table("Quartier")
    compared += expect_table(qpv_table, [*table_of(by_qpv, qpvs), grand], "par QPV")
    # every QPV that receives money has its row in the document, with its share of each
    # operation spread over several QPV (shares in % or amounts) added up
    receiving = {q for x in m.counted for q, _ in m.shares(x["op"]) if q}
    rows = {norm(r[0]): norm(r[-1]) for r in qpv_table[1:]}
    for q in receiving:
        assert rows.get(norm(qpvs[q])) == money(sum(by_qpv[q].values(), ZERO)), q
    compared += expect_table(
        doc.table("Mode d'attribution"),
        [*table_of(m.by(lambda x: x["op"].get("mode")), MODES), grand],
        "par mode d'attribution",
    )
    forms = defaultdict(Decimal)
    for x in m.lines:
        forms[x["form"]] += x["amount"]
    compared += expect_table(
        doc.table("Forme"),
        [
            [FORMS[f], money(v), "non : un prêt est remboursé" if f == "pret" else "oui"]
            for f, v in forms.items()
            if v
        ],
        "par forme",
    )
    found = m.quantities(m.ops)
    if found:
        compared += expect_table(
            doc.table("Unité"),
            [[UNITS[u][0], formatting.nombre(v)] for u, v in found.items()],
            "quantités",
        )
    if m.totals:
        rows = []
        for t in m.totals:
            lines = [
                x
                for x in m.counted
                if t.get("annee") in (None, x["year"])
                and t.get("financeur") in (None, x["funder"])
                and t.get("nature") in (None, x["op"]["nature"])
            ]
            computed = m.total(lines)
            scope = ", ".join(
                [
                    str(t.get("annee") or "2024-2030"),
                    m.names.get(t.get("financeur"), "tous financeurs"),
                    NATURES.get(t.get("nature"), "toutes natures"),
                ]
            )
            gap = dec(t["montant"]) - computed
            rows.append(
                [
                    t.get("libelle") or f"Total annoncé ({scope})",
                    scope,
                    money(t["montant"]),
                    money(computed),
                    "✔" if not gap else f"écart de {money(gap)}",
                ]
            )
        compared += expect_table(doc.table("Total annoncé"), rows, "totaux annoncés")
    conventions = m.desc.get("tfpb", [])
    if conventions:
        rows = []
        for c in conventions:
            per_year = defaultdict(Decimal)
            for e in c["abattement_estime"]:
                per_year[e["annee"]] += dec(e["montant"])
            cells = [money(per_year.get(y, ZERO)) for y in range(2025, 2031)]
            rows.append([majuscule(m.names[c["bailleur"]]), *cells, money(sum(per_year.values()))])
        compared += expect_table(doc.table("Bailleur"), rows, "abattement de TFPB")
    detail = doc.table("Année", "Financeur")
    listed = Counter(
        (r[0], norm(r[1]), norm(r[-1])) for r in detail[1:] if not r[0].startswith("Total")
    )
    assert listed == Counter(
        (str(x["year"]), norm(names[x["funder"]]), money(x["amount"])) for x in m.counted
    )
    totals = {r[0]: norm(r[-1]) for r in detail[1:] if r[0].startswith("Total")}
    for year in sorted({x["year"] for x in m.counted}):
        assert totals[f"Total {year}"] == money(
            m.total([x for x in m.counted if x["year"] == year])
        )
    assert totals["Total 2024-2030"] == money(total)
    intro = norm("\n".join(p.text for p in doc.paragraphs[:6]))
    for figure in (
        total,
        *(m.total([x for x in m.counted if x["op"]["nature"] == n]) for n in NATURES),
    ):
        assert money(figure) in intro
    loans = sum((x["amount"] for x in m.lines if x["form"] == "pret"), ZERO)
    assert (f"Les prêts ({money(loans)})" in intro) == bool(loans)
    assert compared > 50


# --------------------------------------------------------------------------- the contract


@pytest.mark.parametrize("name", cases())
def test_part_5_6_and_7_hold_the_figures_of_the_yaml(examples, name):  # noqa: F811
    m = Money(read_description(CONTRACTS / name))
    doc = read_docx(examples / name / CONTRACT)
    # §5: each project costs what its operations add up to (loans included), listed by funder
    projects = m.desc.get("investissements", [])
    if projects:
        table = doc.table("Projet")
        plans = {}
        for p in projects:
            contributions = [
                (f["financeur"], sum((dec(y["montant"]) for y in f["annees"]), ZERO))
                for op_id in dict.fromkeys(p["operations"])
                for f in m.ops[op_id]["financeurs"]
            ]
            plans[p["intitule"]] = contributions
            row = next(r for r in table[1:] if norm(r[0]).startswith(norm(p["intitule"])))
            assert norm(row[3]) == money(sum((a for _, a in contributions), ZERO)), p["id"]
            assert sorted(re.findall(r": ([\d ,]+€)", norm(row[4]))) == sorted(
                norm(money(a)) for _, a in contributions
            ), p["id"]
        all_plans = [c for plan in plans.values() for c in plan]
        grand = sum((a for _, a in all_plans), ZERO)
        assert norm(table[-1][0]) == "Total" and norm(table[-1][3]) == money(grand)
        by_funder = defaultdict(Decimal)
        for funder, amount in all_plans:
            by_funder[majuscule(m.names[funder])] += amount
        consolidated = doc.table("Financeur", "Montant")
        assert Counter((norm(r[0]), norm(r[1])) for r in consolidated[1:-1]) == Counter(
            (norm(k), money(v)) for k, v in by_funder.items()
        )
        assert norm(consolidated[-1][1]) == money(grand)
        loans = sum(
            (dec(y["montant"]) for p in projects for op_id in dict.fromkeys(p["operations"])
             for f in m.ops[op_id]["financeurs"] if f.get("forme") == "pret"
             for y in f["annees"]),
            ZERO,
        )  # fmt: skip
        five = doc.section_text("Volet investissement")
        assert (f"comprennent {money(loans)} de prêts" in five) == bool(loans)
    # §6: each sheet's own money over the period, each euro once; quantities unit by unit
    sheets = m.desc.get("engagements", [])
    table = doc.table("Signataire", "Engagements")
    expected, all_ops, all_extra = [], [], []
    for s in sheets:
        refs = [r for o in s["objectifs"] for r in (o.get("moyens") or {}).get("operations", [])]
        extra = [q for o in s["objectifs"] for q in (o.get("moyens") or {}).get("quantites", [])]
        own = m.total([x for x in m.counted if x["op"]["id"] in set(refs)
                       and x["funder"] == s["signataire"]])  # fmt: skip
        expected.append(
            [
                majuscule(m.names[s["signataire"]]),
                str(len(s["objectifs"])),
                money(own) if own else "—",
                quantities_text(m.quantities(refs, extra)),
            ]
        )
        all_ops += refs
        all_extra += extra
    sheet_total = m.total(
        [x for x in m.counted for s in sheets
         if x["funder"] == s["signataire"] and x["op"]["id"] in {
             r for o in s["objectifs"] for r in (o.get("moyens") or {}).get("operations", [])}]
    )  # fmt: skip
    expected.append(
        [
            "Total",
            str(sum(len(s["objectifs"]) for s in sheets)),
            money(sheet_total),
            quantities_text(m.quantities(all_ops, all_extra)),
        ]
    )
    expect_table(table, expected, "§6, fiches d'engagement")
    # §7: per year and nature, per funder and nature, the grand total
    years = doc.table("Année", "Crédits spécifiques")
    rows = []
    for year in YEARS:
        lines = [x for x in m.counted if x["year"] == year]
        if year in m.programmed:
            cells = [money(m.total([x for x in lines if x["op"]["nature"] == n])) for n in NATURES]
            rows.append([str(year), *cells, money(m.total(lines))])
        else:
            rows.append([str(year), "—", "—", "—", "non programmé"])
    natures = [money(m.total([x for x in m.counted if x["op"]["nature"] == n])) for n in NATURES]
    rows.append(["Total 2024-2030", *natures, money(m.total())])
    expect_table(years, rows, "§7 par année")
    funders = doc.table("Financeur", "Crédits spécifiques")
    rows = []
    for funder in dict.fromkeys(x["funder"] for x in m.counted):
        lines = [x for x in m.counted if x["funder"] == funder]
        cells = [money(m.total([x for x in lines if x["op"]["nature"] == n])) for n in NATURES]
        share = formatting.pourcentage(100 * m.total(lines) / m.total(), 0)
        rows.append([majuscule(m.names[funder]), *cells, money(m.total(lines)), share])
    rows.append(["Total", *natures, money(m.total()), "100 %"])
    expect_table(funders, rows, "§7 par financeur")
    seven = doc.section_text("Moyens financiers")
    assert f"s'élèvent à {money(m.total())}" in seven


# --------------------------------------------------------------------------- raw identifiers

# identifiers (`id`) and the fields that refer to one; enumerations (type, nature, mode…) are
# words of the schema, not identifiers of the description
IDENTIFIER_KEYS = {
    "id", "financeur", "signataire", "bailleur", "orientation", "orientations_secondaires",
    "operations", "priorites_transversales",
}  # fmt: skip
SKIPPED_KEYS = {"qpv", "code", "insee", "type", "nature", "mode", "forme", "statut", "axe", "role",
                "repartition", "format"}  # fmt: skip


def _identifiers_and_texts(node, key=None, ids=None, texts=None):
    ids = set() if ids is None else ids
    texts = [] if texts is None else texts
    if isinstance(node, dict):
        for k, v in node.items():
            _identifiers_and_texts(v, k, ids, texts)
    elif isinstance(node, list):
        for v in node:
            _identifiers_and_texts(v, key, ids, texts)
    elif isinstance(node, str):
        if key in IDENTIFIER_KEYS:
            if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", node):
                ids.add(node)
        elif key not in SKIPPED_KEYS:
            texts.append(node)
    return ids, texts


def raw_identifiers(desc: dict, folder) -> list[str]:
    """Every raw identifier of `desc` printed in a document of `folder`, with its context."""
    ids, texts = _identifiers_and_texts(desc)
    written = "\n".join(texts).lower()
    # an identifier that is also a word of the pilot's own texts (« adultes-relais ») may
    # appear as that word; any other one is a name the documents failed to give
    suspects = {i for i in ids if i.lower() not in written and len(i) > 2}
    assert suspects, "the scan has identifiers to look for"
    found = []
    for path in sorted(folder.glob("*.docx")):
        text = read_docx(path).text
        for ident in sorted(suspects):
            for form in (ident, majuscule(ident)):
                hit = re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text)
                if hit:
                    around = text[max(0, hit.start() - 50) : hit.end() + 50]
                    found.append(f"{path.name} : « {form} » : …{around}…")
    return found


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_document_prints_a_raw_identifier_of_the_description(examples, name):  # noqa: F811
    assert raw_identifiers(read_description(CONTRACTS / name), examples / name) == []


def test_the_scan_finds_a_funder_printed_by_its_identifier(tmp_path):
    # the bug of the issue: a funder removed from the signatories leaked as « Region »
    from conftest import minimal, write_territory

    from generator.documents.build import build_territory
    from generator.documents.templates import load_template_set

    data = minimal()
    data["financements"]["operations"][1]["financeurs"][0]["financeur"] = "region"
    root = write_territory(tmp_path / "t", data)
    build_territory(root, tmp_path / "out", load_template_set(), draft=True)
    folder = tmp_path / "out" / "t"
    assert list(folder.glob("*.docx")), "the draft is written"
    found = raw_identifiers(read_description(root), folder)
    assert any("« Region »" in f for f in found), found
