"""The ledger of format 2 (issue 10): the model's aggregations, the conversion of format 1, and
the rules on operations, each problem located where the pilot typed the value.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from conftest import (
    FORMAT_1_WARNING,
    line_of,
    minimal,
    minimal_format_1,
    problems_of,
    write_territory,
)

from generator.description.problems import AVERTISSEMENT, ERREUR
from generator.ledger.build import build_ledger
from generator.ledger.convert import convert_format_1
from generator.ledger.model import INTERCOMMUNAL, split

D = Decimal
FINE = "\u202f"
NBSP = "\u00a0"


def euros(text: str) -> str:
    amount, _, _ = text.rpartition(" €")
    return amount.replace(" ", FINE) + NBSP + "€"


def year(annee, montant, **extra):
    return {"annee": annee, "montant": montant, **extra}


def operation(op_id, nature="specifique", funders=(), **fields):
    return {"id": op_id, "intitule": op_id.title(), "nature": nature, **fields,
            "financeurs": list(funders)}  # fmt: skip


def funder(fid, *years, forme="subvention"):
    return {"financeur": fid, "forme": forme, "annees": list(years)}


def ledger_of(*operations):
    return build_ledger({"financements": {"operations": list(operations)}})


# A small ledger that has every kind of line: two QPV shares, a loan, own funds, a CPO with an
# association, an adultes-relais operation with posts, quantities in three units.
OPERATIONS = [
    operation(
        "cite-educative",
        orientation="education",
        repartition=[{"qpv": "QN06001M", "part": 60}, {"qpv": "QN06002M", "part": 40}],
        mode="cpo",
        beneficiaire={"nom": "Association Réussir", "rna": "W601000123"},
        quantites=[{"valeur": 120, "unite": "beneficiaires"}],
        funders=[
            funder("etat", year(2024, 300000), year(2025, 460000)),
            funder("epci", year(2024, 100000)),
        ],
    ),
    operation(
        "adultes-relais",
        orientation="tranquillite",
        repartition="intercommunale",
        mode="adultes_relais",
        quantites=[{"valeur": 18, "unite": "postes"}],
        funders=[funder("etat", year(2024, 396000), year(2025, 405000))],
    ),
    operation(
        "ecole-oasis",
        nature="investissement",
        repartition=[{"qpv": "QN06001M", "montant": 900000}],
        mode="subvention_investissement",
        quantites=[{"valeur": 15, "unite": "places"}],
        funders=[
            funder("etat", year(2025, 400000)),
            funder("commune", year(2025, 500000), forme="fonds_propres"),
            funder("banque", year(2025, 2000000), forme="pret"),
        ],
    ),
    operation(
        "creche",
        nature="droit_commun",
        repartition=[{"qpv": "QN06002M", "part": 100}],
        mode="appel_a_projets",
        beneficiaire={"nom": "Crèche associative", "association": True},
        quantites=[{"valeur": 15, "unite": "places"}, {"valeur": 2, "unite": "etp"}],
        funders=[funder("caf", year(2024, 100000))],
    ),
]


@pytest.fixture
def ledger():
    return ledger_of(*copy.deepcopy(OPERATIONS))


# --------------------------------------------------------------------------- the model


def test_totals_by_year_funder_nature_and_mode(ledger):
    assert ledger.by_year() == {2024: D(896000), 2025: D(1765000)}
    assert ledger.total() == D(2661000)
    funders = {k: dict(v) for k, v in ledger.by_funder().items()}
    assert funders == {
        "etat": {2024: D(696000), 2025: D(1265000)},
        "epci": {2024: D(100000)},
        "commune": {2025: D(500000)},
        "caf": {2024: D(100000)},
    }
    natures = {k: sum(v.values()) for k, v in ledger.by_nature().items()}
    assert natures == {"specifique": D(1661000), "investissement": D(900000),
                       "droit_commun": D(100000)}  # fmt: skip
    modes = {k: sum(v.values()) for k, v in ledger.by_mode().items()}
    assert modes["cpo"] == D(860000) and modes["adultes_relais"] == D(801000)


def test_a_loan_is_never_added_to_grants(ledger):
    assert "banque" not in ledger.by_funder()
    forms = {k: sum(v.values()) for k, v in ledger.by_form().items()}
    assert forms == {"subvention": D(2161000), "fonds_propres": D(500000), "pret": D(2000000)}
    op = ledger.operation("ecole-oasis")
    assert op.total == D(900000)  # grants and own funds
    assert op.total_all_forms == D(2900000)  # what finances the project, loan included
    # a loan is still reachable when asked for, never by default
    assert ledger.total(funder="banque") == 0
    assert ledger.total(funder="banque", forms=None) == D(2000000)


def test_each_qpv_counted_for_its_share_and_the_total_once(ledger):
    by_qpv = {k: dict(v) for k, v in ledger.by_qpv().items()}
    assert by_qpv == {
        "QN06001M": {2024: D(240000), 2025: D(276000) + D(900000)},
        "QN06002M": {2024: D(160000) + D(100000), 2025: D(184000)},
        INTERCOMMUNAL: {2024: D(396000), 2025: D(405000)},
    }
    assert sum(sum(v.values()) for v in by_qpv.values()) == ledger.total()


def test_shares_are_rounded_to_the_cent_and_add_up_exactly():
    shares = (
        ledger_of(
            operation(
                "trois-quartiers",
                repartition=[
                    {"qpv": q, "part": p}
                    for q, p in (("QN06001M", 33.33), ("QN06002M", 33.33), ("QN06003I", 33.34))
                ],
                funders=[funder("etat", year(2024, 100000.01))],
            )  # fmt: skip
        )
        .operation("trois-quartiers")
        .shares
    )
    parts = split(D("100000.01"), shares)
    assert [amount for _, amount in parts] == [D("33330"), D("33330"), D("33340.01")]
    assert sum(amount for _, amount in parts) == D("100000.01")


def test_orientation_is_the_main_one_and_transversal_is_none(ledger):
    orientations = {k: sum(v.values()) for k, v in ledger.by_orientation().items()}
    assert orientations == {"education": D(860000), "tranquillite": D(801000), None: D(1000000)}


def test_quantities_are_added_per_unit_never_across_units(ledger):
    assert ledger.quantities_by_unit() == {
        "postes": D(18),
        "etp": D(2),
        "places": D(30),
        "beneficiaires": D(120),
    }
    assert ledger.quantities_by_unit(["creche"]) == {"etp": D(2), "places": D(15)}


def test_cpo_share_of_association_funding(ledger):
    # associations: the Cité éducative (RNA, CPO: 860 000 €) and the crèche (flagged, 100 000 €)
    assert ledger.association_funding() == (D(860000), D(960000))
    assert ledger.cpo_share() == D("89.6")
    assert ledger_of(OPERATIONS[1]).cpo_share() is None  # no association funded


def test_years_outside_the_period_are_not_added():
    out = ledger_of(operation("x", funders=[funder("etat", year(2023, 5), year(2024, 7))]))
    assert out.total() == 7


def test_a_malformed_operation_still_gives_a_ledger():
    data = {"financements": {"operations": [{"id": "x", "financeurs": [{"annees": [{}]}]}, 3]}}
    assert build_ledger(data).total() == 0


# --------------------------------------------------------------------------- format 1 -> 2


def test_format_1_lines_become_operations_with_their_years():
    data = minimal_format_1()
    data["financements"]["lignes"] += [
        {"annee": 2025, "financeur": "etat", "dispositif": "Appel à projets",
         "type": "specifique", "montant": 110000, "orientation": "emploi",
         "qpv": "QN06001M", "statut": "notifie"},
        {"annee": 2024, "financeur": "etat", "programme": "BOP 147",
         "dispositif": "Adultes-relais (4 postes)", "type": "specifique", "montant": 88000},
    ]  # fmt: skip
    before = copy.deepcopy(data)
    conv = convert_format_1(data)
    assert data == before, "the input is not changed"
    ops = {op["id"]: op for op in conv.data["financements"]["operations"]}
    aap = ops["appel-a-projets"]
    assert aap["repartition"] == [{"qpv": "QN06001M", "part": 100}]
    assert aap["mode"] == "appel_a_projets"
    assert aap["financeurs"] == [
        {
            "financeur": "etat",
            "forme": "subvention",
            "annees": [
                {"annee": 2024, "montant": 100000, "statut": "programme"},
                {"annee": 2025, "montant": 110000, "statut": "notifie"},
            ],
        }
    ]
    relays = ops["adultes-relais"]
    assert relays["intitule"] == "Adultes-relais"
    assert relays["quantites"] == [{"valeur": 4, "unite": "postes"}]
    assert relays["mode"] == "adultes_relais" and relays["programme"] == "BOP 147"
    assert ops["ingenierie"]["repartition"] == "intercommunale"
    assert conv.data["format"] == 2 and "lignes" not in conv.data["financements"]


def test_a_format_2_description_is_not_converted():
    data = minimal()
    conv = convert_format_1(data)
    assert conv.changed is False and conv.data is data


def _with_investment_line(data):
    """The Espace jeunesse's State part typed twice in format 1: in the ledger and the plan."""
    data["financements"]["lignes"].append(
        {"annee": 2025, "financeur": "etat", "programme": "DPV", "dispositif": "Espace jeunesse",
         "type": "investissement", "montant": 300000, "qpv": "QN06001M"}
    )  # fmt: skip
    return data


def test_an_investment_part_typed_in_the_ledger_and_the_plan_is_counted_once():
    conv = convert_format_1(_with_investment_line(minimal_format_1()))
    ledger = build_ledger(conv.data)
    assert ledger.total(nature="investissement") == D(500000)  # not 800 000
    project = conv.data["investissements"][0]
    assert "plan_financement" not in project
    ops = [ledger.operation(i) for i in project["operations"]]
    assert sum(op.total for op in ops) == D(500000)
    assert sorted(f for op in ops for f in op.funders) == ["commune-creil", "etat"]
    merged = [n for n in conv.notes if "fusionnée" in n]
    assert len(merged) == 1 and "300000 €" in merged[0] and "Espace jeunesse" in merged[0]


def test_a_free_text_investment_funder_becomes_a_partner():
    data = minimal_format_1()
    plan = data["investissements"][0]["plan_financement"]
    plan[1] = {"financeur": "Fonds vert", "montant": 150000}
    plan.append({"financeur": "Banque des Territoires", "dispositif": "Prêt", "montant": 50000})
    conv = convert_format_1(data)
    assert conv.data["partenaires"] == [
        {"id": "fonds-vert", "nom": "Fonds vert", "type": "autre"},
        {"id": "banque-des-territoires", "nom": "Banque des Territoires",
         "type": "banque_des_territoires"},
    ]  # fmt: skip
    op = build_ledger(conv.data).operation(conv.data["investissements"][0]["operations"][0])
    assert {c.funder: c.form for c in op.contributions} == {
        "etat": "subvention",
        "fonds-vert": "subvention",
        "banque-des-territoires": "pret",
    }


def test_a_sheet_amount_becomes_an_operation_unless_the_ledger_holds_it():
    data = minimal_format_1()
    data["financements"]["lignes"].append(
        {"annee": 2024, "financeur": "commune-creil", "dispositif": "Centre social",
         "type": "droit_commun", "montant": 450000}
    )  # fmt: skip
    data["engagements"][2]["objectifs"] = [
        {"libelle": "Centre social", "moyens": {"montant_annuel": 450000, "etp": 3}},
        {"libelle": "Crèche", "qpv": ["QN06001M"], "moyens": {"montant_annuel": 80000,
                                                             "places": 15}},
    ]  # fmt: skip
    conv = convert_format_1(data)
    ledger = build_ledger(conv.data)
    first, second = (o["moyens"] for o in conv.data["engagements"][2]["objectifs"])
    # the sheet's 450 000 € are the ledger line: counted once, the ETP go to that operation
    assert first == {"operations": ["centre-social"]}
    assert ledger.operation("centre-social").quantities[0].unit == "etp"
    assert ledger.total(operations=["centre-social"]) == D(450000)
    commune = [
        op.id
        for op in ledger.operations
        if "commune-creil" in op.funders and op.nature == "droit_commun"
    ]
    assert commune == ["centre-social", second["operations"][0]]
    # the crèche had no line: it becomes an operation for every year of the contract
    crèche = ledger.operation(second["operations"][0])
    assert crèche.years == tuple(range(2024, 2031))
    assert crèche.total == 7 * D(80000)
    assert [(q.value, q.unit) for q in crèche.quantities] == [(D(15), "places")]


def test_a_format_1_description_is_read_with_a_warning_naming_cdv_migrer(tmp_path):
    root = write_territory(tmp_path / "t", minimal_format_1(), split=True)
    problems = problems_of(root, format_1_warning=True)
    assert len(problems) == 1
    warning = problems[0]
    assert warning.severity == AVERTISSEMENT and FORMAT_1_WARNING in warning.message
    assert "« cdv migrer » sur ce dossier" in warning.message
    assert (warning.file, warning.line) == (str(root / "contrat.yaml"), 1)


def test_a_problem_in_a_converted_line_is_located_at_the_format_1_line(tmp_path):
    data = minimal_format_1()
    data["financements"]["lignes"][1]["financeur"] = "agglo"
    root = write_territory(tmp_path / "t", data, split=True)
    (problem,) = [p for p in problems_of(root) if "agglo" in p.message]
    file = root / "financements.yaml"
    assert (problem.file, problem.line) == (str(file), line_of(file, "financeur: agglo"))
    assert problem.path == ("financements", "lignes", 1, "financeur")


# --------------------------------------------------------------------------- the rules


def check(tmp_path, data):
    root = write_territory(tmp_path / "t", data, split=True)
    return root, problems_of(root)


def only(problems, *fragments):
    found = [p for p in problems if all(f in p.message for f in fragments)]
    assert len(found) == 1, "\n".join(p.format() for p in problems)
    assert len(problems) == 1, "\n".join(p.format() for p in problems)
    return found[0]


def at(problem, file, needle, severity=ERREUR, after=None):
    assert problem.severity == severity, problem.format()
    assert (problem.file, problem.line) == (str(file), line_of(file, needle, after)), (
        problem.format()
    )


def ops(data):
    return data["financements"]["operations"]


def two_qpv(data, allocation):
    """A second QPV (Jaurès - Gournay, Creil and Montataire), and an allocation of the first
    operation."""
    data["territoire"]["communes"].append({"nom": "Montataire", "insee": "60414"})
    data["territoire"]["qpv"].append({"code": "QN06019N", "population": 4200})
    data["quartiers"].append({"qpv": "QN06019N"})
    data["participation"]["conseils_citoyens"][0]["qpv"].append("QN06019N")
    ops(data)[0]["repartition"] = allocation
    return data


def test_a_multi_qpv_allocation_that_adds_up_is_valid(tmp_path):
    shares = [{"qpv": "QN06001M", "part": 60}, {"qpv": "QN06019N", "part": 40}]
    assert check(tmp_path / "a", two_qpv(minimal(), shares))[1] == []
    amounts = [{"qpv": "QN06001M", "montant": 70000}, {"qpv": "QN06019N", "montant": 30000}]
    assert check(tmp_path / "b", two_qpv(minimal(), amounts))[1] == []


def test_shares_that_do_not_add_up_to_100(tmp_path):
    data = two_qpv(minimal(), [{"qpv": "QN06001M", "part": 60}, {"qpv": "QN06019N", "part": 30}])
    root, problems = check(tmp_path, data)
    problem = only(problems, "les parts de la répartition font 90 %")
    assert problem.message == (
        "les parts de la répartition font 90 % au lieu de 100 % (écart 10 %) : corrigez-les"
    )
    at(problem, root / "financements.yaml", "repartition:")
    assert problem.path == ("financements", "operations", 0, "repartition")


def test_allocated_amounts_that_differ_from_the_operation(tmp_path):
    amounts = [{"qpv": "QN06001M", "montant": 70000}, {"qpv": "QN06019N", "montant": 20000}]
    root, problems = check(tmp_path, two_qpv(minimal(), amounts))
    problem = only(problems, "la répartition entre QPV fait")
    assert problem.message == (
        f"la répartition entre QPV fait {euros('90 000 €')} pour une opération de "
        f"{euros('100 000 €')} (écart {euros('10 000 €')}) : corrigez les montants"
    )
    at(problem, root / "financements.yaml", "repartition:")


def test_shares_and_amounts_mixed(tmp_path):
    mixed = [{"qpv": "QN06001M", "part": 60}, {"qpv": "QN06019N", "montant": 40000}]
    root, problems = check(tmp_path, two_qpv(minimal(), mixed))
    at(only(problems, "mélange des parts"), root / "financements.yaml", "repartition:")


def test_funders_amounts_that_differ_from_the_declared_operation_total(tmp_path):
    data = minimal()
    ops(data)[2]["montant_total"] = 550000
    root, problems = check(tmp_path, data)
    problem = only(problems, "les financeurs de l'opération font")
    assert problem.message == (
        f"les financeurs de l'opération font {euros('500 000 €')} pour un total annoncé de "
        f"{euros('550 000 €')} (écart {euros('50 000 €')}) : corrigez le total ou les montants "
        "des financeurs"
    )
    at(problem, root / "financements.yaml", "montant_total: 550000")


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        pytest.param(
            lambda d: ops(d)[0]["financeurs"][0].update(financeur="etta"),
            "financeur: etta",
            "le financeur « etta » inconnu : déclarez-le dans signataires, ou dans "
            "partenaires s'il ne signe pas ; vouliez-vous dire « etat » ?",
            id="financeur",
        ),
        pytest.param(
            lambda d: ops(d)[0].update(orientation="emplois"),
            "orientation: emplois",
            "l'orientation « emplois » inconnue : déclarez-la dans orientations ; "
            "vouliez-vous dire « emploi » ?",
            id="orientation",
        ),
        pytest.param(
            lambda d: ops(d)[0].update(orientations_secondaires=["emplo"]),
            "- emplo",
            "l'orientation « emplo » inconnue : déclarez-la dans orientations ; "
            "vouliez-vous dire « emploi » ?",
            id="orientation-secondaire",
        ),
        pytest.param(
            lambda d: ops(d)[0]["repartition"][0].update(qpv="QN06009M"),
            "qpv: QN06009M",
            "le QPV « QN06009M » inconnu : déclarez-le dans territoire.qpv",
            id="qpv",
        ),
        pytest.param(
            lambda d: d["financements"]["totaux"][1].update(financeur="etta"),
            "financeur: etta",
            "le financeur « etta » inconnu : déclarez-le dans signataires, ou dans "
            "partenaires s'il ne signe pas ; vouliez-vous dire « etat » ?",
            id="financeur-d-un-total",
        ),
    ],
)
def test_an_identifier_that_does_not_exist(tmp_path, change, needle, message):
    data = minimal()
    change(data)
    root, problems = check(tmp_path, data)
    problem = only(problems, message.split(" :")[0])
    assert problem.message.startswith(message), problem.message
    at(problem, root / "financements.yaml", needle)


def test_a_non_signatory_funder_is_a_partner(tmp_path):
    data = minimal()
    data["partenaires"] = [{"id": "fonds-vert", "nom": "le Fonds vert", "type": "etat"}]
    ops(data)[2]["financeurs"][1]["financeur"] = "fonds-vert"
    data["financements"]["totaux"].append(
        {"financeur": "fonds-vert", "nature": "investissement", "montant": 200000}
    )
    assert check(tmp_path, data)[1] == []


def test_a_partner_that_also_signs(tmp_path):
    data = minimal()
    data["partenaires"] = [{"id": "etat", "nom": "l'État", "type": "etat"}]
    root, problems = check(tmp_path, data)
    problem = only(problems, "est déjà l'identifiant d'un signataire")
    at(problem, root / "contrat.yaml", "id: etat", after="partenaires:")


def test_operation_references_of_projects_and_sheets(tmp_path):
    data = minimal()
    data["investissements"][0]["operations"] = ["espace-jeune"]
    data["engagements"][0]["objectifs"][0]["moyens"] = {"operations": ["ingenierie"]}
    root, problems = check(tmp_path, data)
    unknown = [p for p in problems if "« espace-jeune » inconnue" in p.message]
    assert len(unknown) == 1 and "vouliez-vous dire « espace-jeunes » ?" in unknown[0].message
    at(unknown[0], root / "investissements.yaml", "- espace-jeune")
    # the State's sheet cites an operation it does not fund: a warning, on that sheet
    (odd,) = [p for p in problems if "n'a pas « etat » parmi ses financeurs" in p.message]
    at(odd, root / "engagements" / "etat.yaml", "- ingenierie", AVERTISSEMENT)


def test_a_project_cites_only_investment_operations_and_each_once(tmp_path):
    data = minimal()
    data["investissements"][0]["operations"] = ["espace-jeunes", "ingenierie"]
    data["investissements"].append(dict(data["investissements"][0], id="bis", intitule="Bis"))
    data["investissements"][1]["operations"] = ["espace-jeunes"]
    root, problems = check(tmp_path, data)
    nature = [p for p in problems if "est de nature « specifique »" in p.message]
    assert len(nature) == 1
    twice = [p for p in problems if "finance déjà le projet « espace-jeunes »" in p.message]
    assert len(twice) == 1 and "comptée deux fois" in twice[0].message
    at(twice[0], root / "investissements.yaml", "- espace-jeunes", after="id: bis")


def test_a_project_costs_what_its_operations_add_up_to(tmp_path):
    data = minimal()
    data["investissements"][0]["cout_total"] = 520000
    root, problems = check(tmp_path, data)
    problem = only(problems, "le plan de financement fait")
    assert euros("500 000 €") in problem.message and euros("20 000 €") in problem.message
    at(problem, root / "investissements.yaml", "cout_total: 520000")


def test_an_operation_declared_twice(tmp_path):
    data = minimal()
    ops(data)[1]["id"] = "appel-a-projets"
    root, problems = check(tmp_path, data)
    problem = [p for p in problems if "déclarée deux fois" in p.message][0]
    at(problem, root / "financements.yaml", "id: appel-a-projets", after="montant: 100000")


def test_a_paid_amount_above_the_notified_one_is_a_warning(tmp_path):
    data = minimal()
    ops(data)[0]["financeurs"][0]["annees"][0].update(statut="verse", verse=120000)
    root, problems = check(tmp_path, data)
    problem = only(problems, "versé")
    assert problem.message == (
        f"versé {euros('120 000 €')} en 2024, plus que le montant notifié "
        f"({euros('100 000 €')}) : vérifiez le versement ou le montant"
    )
    at(problem, root / "financements.yaml", "verse: 120000", AVERTISSEMENT)


def test_a_unit_twice_in_one_operation(tmp_path):
    data = minimal()
    ops(data)[0]["quantites"] = [{"valeur": 4, "unite": "postes"}, {"valeur": 2, "unite": "postes"}]
    root, problems = check(tmp_path, data)
    problem = only(problems, "l'unité « postes » figure deux fois")
    assert "les quantités d'unités différentes ne s'additionnent pas" in problem.message
    at(problem, root / "financements.yaml", "unite: postes", after="valeur: 2")


def test_an_unknown_unit_lists_the_units(tmp_path):
    data = minimal()
    ops(data)[0]["quantites"] = [{"valeur": 4, "unite": "poste"}]
    root, problems = check(tmp_path, data)
    problem = only(problems, "« poste » n'est pas une valeur possible")
    assert "vouliez-vous dire « postes » ?" in problem.message
    at(problem, root / "financements.yaml", "unite: poste")


def test_a_year_outside_the_contract(tmp_path):
    data = minimal()
    ops(data)[1]["financeurs"][0]["annees"][0]["annee"] = 2031
    data["financements"]["totaux"] = []
    root, problems = check(tmp_path, data)
    problem = only(problems, "l'année 2031 est hors de la période du contrat (2024-2030)")
    at(problem, root / "financements.yaml", "annee: 2031")


def test_a_declared_total_that_the_ledger_does_not_reach(tmp_path):
    data = minimal()
    data["financements"]["totaux"][0]["montant"] = 160000
    root, problems = check(tmp_path, data)
    problem = only(problems, "total annoncé")
    assert problem.message == (
        f"total annoncé {euros('160 000 €')} (annee 2024) mais les lignes font "
        f"{euros('150 000 €')} : écart de {euros('10 000 €')} ; corrigez le total ou les lignes"
    )
    at(problem, root / "financements.yaml", "montant: 160000")


def test_a_format_1_file_beside_format_2_files(tmp_path):
    # financements.yaml and a commitment sheet left in format 1 in a migrated folder
    data = minimal()
    data["financements"] = minimal_format_1()["financements"]
    data["engagements"][1]["objectifs"][0]["moyens"] = {"montant_annuel": 20000}
    root, problems = check(tmp_path, data)
    mixed = [p for p in problems if "ce champ est du format 1" in p.message]
    lines, sheet = sorted(mixed, key=lambda p: p.path[0], reverse=True)
    assert lines.path == ("financements", "lignes")
    assert sheet.path[0] == "engagements"  # the index is the file's rank in engagements/
    assert sheet.path[2:] == ("objectifs", 0, "moyens", "montant_annuel")
    assert "lancez « cdv migrer » sur ce dossier" in lines.message
    at(lines, root / "financements.yaml", "lignes:")
    at(sheet, root / "engagements" / "epci.yaml", "montant_annuel: 20000")


def test_a_format_2_file_beside_format_1_files_loses_nothing(tmp_path):
    # contrat.yaml still says `format: 1`, a partner sent its financements.yaml in format 2
    data = minimal_format_1()
    data["financements"] = minimal()["financements"]
    del data["investissements"]
    root = write_territory(tmp_path / "t", data, split=True)
    problems = problems_of(root)
    (mixed,) = [p for p in problems if "ce champ est du format 2" in p.message]
    at(mixed, root / "financements.yaml", "operations:")
    assert "« cdv migrer »" in mixed.message
    # the format-2 operations are still read (not dropped by the conversion in memory)
    from generator.description.load import load_territory

    assert build_ledger(load_territory(root).data).total() == D(650000)
