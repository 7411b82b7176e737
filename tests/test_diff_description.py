"""Semantic diff of two descriptions: known edits give exactly the expected French lines;
reordering gives none; items are matched by identity; totals that moved are summarised."""

from __future__ import annotations

import copy
import io
import random

import docx
import pytest
from conftest import ROOT, minimal, minimal_format_1, write_territory

from generator.compare.description import (
    CHANGED,
    REMOVED,
    compare,
    diff_data,
    totals,
)
from generator.compare.sides import DescriptionError, load_data
from generator.documents.write import deterministic_docx, read_embedded_description

NNBSP, NBSP = "\u202f", "\u00a0"


def lines(old: dict, new: dict) -> list[str]:
    # amounts use a narrow no-break space and a no-break space before €: plain spaces here
    return [c.format().replace(NNBSP, " ").replace(NBSP, " ") for c in diff_data(old, new)]


def test_known_edits_give_exactly_the_expected_changes():
    old = minimal_format_1()
    new = minimal_format_1()
    new["contrat"]["version"] = "0.2"
    new["contrat"]["statut"] = "final"
    new["contrat"]["date"] = "2024-05-01"
    new["financements"]["lignes"][0]["montant"] = 115000
    new["financements"]["lignes"].append(
        {
            "annee": 2025,
            "financeur": "etat",
            "programme": "BOP 147",
            "dispositif": "Cité éducative",
            "type": "specifique",
            "montant": 135000,
        }
    )
    del new["signataires"][3]["type"]
    new["signataires"].append({"id": "caf", "nom": "la CAF de l'Oise", "type": "caf"})
    new["territoire"]["qpv"][0]["population"] = 17000
    new["tfpb"][0]["actions"][1]["couts"][0]["montant"] = 120000
    new["gouvernance"]["instances"][0]["conseils_citoyens"] = False
    del new["investissements"][0]
    assert lines(old, new) == [
        "Contrat › Version : « 0.1 » → « 0.2 »",
        "Contrat › Statut : Projet → Version finale",
        "Contrat › Date de la version : 15 mars 2024 → 1er mai 2024",
        "Territoire › Géographie prioritaire › Les Hauts de Creil (QN06001M) › Population du QPV :"
        " 16 850 → 17 000 (+150)",
        "Investissements › Espace jeunesse : suppression (500 000 €)",
        "Signataires › Oise Habitat › Catégorie : Bailleur social → (vide)",
        "Signataires › CAF de l'Oise : ajout",
        "Financements › Lignes de financement › 2024 · État · Appel à projets · Les Hauts de "
        "Creil (QN06001M) › Montant : 100 000 € → 115 000 € (+15 000 €)",
        "Financements › Lignes de financement › 2025 · État (BOP 147) · Cité éducative : "
        "ajout (135 000 €)",
        "Gouvernance › Instances › Comité de pilotage › Conseils citoyens représentés : oui → non",
        "Conventions TFPB › Oise Habitat › Programme d'actions › Tranquillité résidentielle · "
        "Médiation de soirée › Coût valorisé par année › 2025 : 100 000 € → 120 000 € "
        "(+20 000 €)",
    ]


def test_change_records_path_kind_values_and_delta():
    old, new = minimal_format_1(), minimal_format_1()
    new["financements"]["lignes"][1]["montant"] = 45000
    (change,) = diff_data(old, new)
    assert change.kind == CHANGED
    assert change.path == ("financements", "lignes", "2024/epci/Ingénierie/specifique", "montant")
    assert change.labels[:2] == ("Financements", "Lignes de financement")
    assert (change.old_value, change.new_value) == (50000, 45000)
    assert change.delta == f"−5{NNBSP}000{NBSP}€"


def test_reordering_lists_is_not_a_change():
    old = minimal_format_1()
    new = copy.deepcopy(old)
    shuffle = random.Random(7).shuffle
    for items in (
        new["signataires"],
        new["engagements"],
        new["financements"]["lignes"],
        new["financements"]["totaux"],
        new["tfpb"][0]["actions"],
        new["tfpb"][0]["abattement_estime"],
        new["investissements"][0]["plan_financement"],
    ):
        items.reverse()
        shuffle(items)
    assert diff_data(old, new) == []
    result = compare(old, new)
    assert result.identical and result.totals == []


def test_items_are_matched_by_identity_not_position():
    old, new = minimal(), minimal()
    new["signataires"].insert(0, {"id": "caf", "nom": "la CAF de l'Oise", "type": "caf"})
    new["signataires"][2]["nom"] = "la Communauté d'agglomération"
    assert lines(old, new) == [  # in the order of the new version
        "Signataires › CAF de l'Oise : ajout",
        "Signataires › Communauté d'agglomération › Nom : « l'Agglomération » → "
        "« la Communauté d'agglomération »",
    ]


def test_duplicate_financing_lines_are_told_apart_by_occurrence():
    old = minimal_format_1()
    twin = dict(old["financements"]["lignes"][1])
    old["financements"]["lignes"].append(dict(twin, montant=10000))
    new = copy.deepcopy(old)
    new["financements"]["lignes"][2]["montant"] = 12000
    assert lines(old, new) == [
        "Financements › Lignes de financement › 2024 · Agglomération · Ingénierie (2) › Montant : "
        "10 000 € → 12 000 € (+2 000 €)"
    ]
    del new["financements"]["lignes"][1]
    assert [c.kind for c in diff_data(old, new)] == [CHANGED, REMOVED]


def test_long_text_is_compared_word_by_word():
    old, new = minimal_format_1(), minimal_format_1()
    base = "Le quartier compte de nombreuses familles. " * 5
    old["quartiers"][0]["portrait"] = base + "Il est desservi par le bus."
    new["quartiers"][0]["portrait"] = base + "Il est desservi par le tramway."
    (change,) = diff_data(old, new)
    assert change.format() == (
        "Projets de quartier › Les Hauts de Creil (QN06001M) › Portrait du quartier : … "
        "nombreuses familles. Il est desservi par le [-bus-]{+tramway+}."
    )


def test_renamed_objective_is_a_modification_not_a_removal():
    old, new = minimal_format_1(), minimal_format_1()
    new["orientations"][0]["objectifs"][0]["libelle"] = "Réduire fortement l'écart de taux d'emploi"
    (change,) = diff_data(old, new)
    assert change.kind == CHANGED
    assert change.format() == (
        "Orientations › Favoriser l'accès à l'emploi › Objectifs › Réduire fortement l'écart de "
        "taux d'emploi › Objectif : « Réduire l'écart de taux d'emploi » → « Réduire fortement "
        "l'écart de taux d'emploi »"
    )


def test_lists_of_texts_and_codes():
    old, new = minimal_format_1(), minimal_format_1()
    old["quartiers"][0]["priorites_habitants"] = ["Plus de médiation le soir", "Des bancs"]
    new["quartiers"][0]["priorites_habitants"] = ["Des bancs", "Un local associatif"]
    new["investissements"][0]["qpv"] = ["QN06001M", "QN06002M"]
    assert lines(old, new) == [
        "Projets de quartier › Les Hauts de Creil (QN06001M) › Priorités des habitants › "
        "« Un local associatif » : ajout",
        "Projets de quartier › Les Hauts de Creil (QN06001M) › Priorités des habitants › "
        "« Plus de médiation le soir » : suppression",
        "Investissements › Espace jeunesse › Quartiers concernés › Les Martinets (QN06002M) : "
        "ajout",
    ]


def test_totals_that_moved_are_summarised():
    old, new = minimal_format_1(), minimal_format_1()
    new["financements"]["lignes"][0]["montant"] = 130000
    new["tfpb"][0]["actions"][0]["couts"][0]["montant"] = 210000
    summary = [t.format().replace(NNBSP, " ").replace(NBSP, " ") for t in compare(old, new).totals]
    # totalled by the ledger, as the documents: the investment plans (500 000 €, 2025) count
    assert summary == [
        "Financements, total : 650 000 € → 680 000 € (+30 000 €)",
        "Financements 2024 : 150 000 € → 180 000 € (+30 000 €)",
        "Financements, crédits spécifiques : 150 000 € → 180 000 € (+30 000 €)",
        "Financements, État : 400 000 € → 430 000 € (+30 000 €)",
        "TFPB, actions valorisées, Oise Habitat : 600 000 € → 610 000 € (+10 000 €)",
    ]
    assert totals(minimal_format_1())["Investissements, coût total"] == 500000


def test_identical_descriptions():
    assert compare(minimal_format_1(), minimal_format_1()).identical


# --------------------------------------------------------------------------- loading


def test_split_and_single_layouts_load_the_same(tmp_path):
    single = load_data(write_territory(tmp_path / "a", minimal_format_1()))
    split = load_data(write_territory(tmp_path / "b", minimal_format_1(), split=True))
    assert diff_data(single, split) == []


def test_one_partner_file_is_compared_as_one_item(tmp_path):
    root = write_territory(tmp_path / "t", minimal_format_1(), split=True)
    data = load_data(root / "engagements" / "etat.yaml")
    assert data == {"engagements": [minimal_format_1()["engagements"][0]]}


def test_unreadable_description_is_an_error(tmp_path):
    root = write_territory(tmp_path / "t", minimal_format_1())
    (root / "contrat.yaml").write_text("contrat: [version\n", encoding="utf-8")
    with pytest.raises(DescriptionError) as error:
        load_data(root)
    assert "description illisible" in str(error.value)
    with pytest.raises(DescriptionError):
        load_data(tmp_path / "absent")


# --------------------------------------------------------------------------- embedding


def _document() -> bytes:
    document = docx.Document()
    document.add_paragraph("Contrat")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_embedded_description_round_trip_is_deterministic():
    data = minimal_format_1()
    data["contrat"]["preambule"] = "Texte avec < & > « guillemets » et\nretour à la ligne"
    first = deterministic_docx(_document(), date="2024-03-15", core={}, custom={}, description=data)
    again = deterministic_docx(first, date="2024-03-15", core={}, custom={}, description=data)
    assert first == again  # the part is found and replaced, not added twice
    assert read_embedded_description(first) == data
    assert read_embedded_description(_document()) is None


# --------------------------------------------------------------------------- the ledger (format 2)


def _creil() -> dict:
    from generator.description.load import load_territory

    return load_territory(ROOT / "contracts" / "creil-sud-oise", convert=False).data


def _operation(data: dict, op_id: str) -> dict:
    return next(o for o in data["financements"]["operations"] if o["id"] == op_id)


def test_a_funder_that_only_swaps_its_form_is_one_change():
    old, new = _creil(), _creil()
    funders = _operation(new, "espace-jeunesse-martinets")["financeurs"]
    own = next(f for f in funders if f["forme"] == "fonds_propres")
    own["forme"] = "valorisation"
    changes = compare(old, new).changes
    assert [c.format().replace(NNBSP, " ").replace(NBSP, " ") for c in changes] == [
        "Financements › Opérations › Espace jeunesse des Martinets › Financeurs › "
        "Ville de Montataire · Autofinancement › Forme : Fonds propres → Valorisation"
    ]


def test_operations_years_statuses_and_shares_are_matched_by_identity():
    old, new = _creil(), _creil()
    op = _operation(new, "cite-educative-de-creil")
    years = op["financeurs"][0]["annees"]
    years[2]["statut"] = "notifie"
    years.reverse()  # order is no change
    new["financements"]["operations"].reverse()
    text = [c.format().replace(NNBSP, " ").replace(NBSP, " ") for c in compare(old, new).changes]
    assert text == [
        "Financements › Opérations › Cité éducative de Creil › Financeurs › État › "
        "Montants par année › 2026 › Statut : Programmé → Notifié"
    ]


def test_quantities_and_investment_are_among_the_totals_that_moved():
    old, new = _creil(), _creil()
    op = _operation(new, "adultes-relais")
    op["quantites"][0]["valeur"] = 20
    invest = next(o for o in new["financements"]["operations"] if o["nature"] == "investissement")
    invest["financeurs"][0]["annees"][0]["montant"] += 10000
    totals = {
        t.label: t.format().replace(NNBSP, " ").replace(NBSP, " ") for t in compare(old, new).totals
    }
    assert totals["Quantités, postes"] == "Quantités, postes : 18 → 20 (+2)"
    assert totals["Investissement, opérations (prêts compris)"].endswith("(+10 000 €)")
    assert totals["Financements, investissement"].endswith("(+10 000 €)")
