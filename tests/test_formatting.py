"""Tests for generator.documents.formatting (French administrative typography, domain.md §8)."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.documents.formatting import (
    FILTRES,
    date_fr,
    guillemets,
    mois_annee,
    montant,
    montant_lettres,
    nettoyer,
    nombre,
    paragraphes,
    pluriel,
    pourcentage,
    typographie,
)

FINE = "\u202f"  # thousands separator
NBSP = "\u00a0"  # before € and %, inside « », before : ; ! ?
MOINS = "\u2212"


# --------------------------------------------------------------------------- montant


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0 €"),
        (1, "1 €"),
        (80, "80 €"),
        (1000, f"1{FINE}000 €"),
        (1234567, f"1{FINE}234{FINE}567 €"),
        (1_000_000_000, f"1{FINE}000{FINE}000{FINE}000 €"),
        (1234.5, f"1{FINE}234,50 €"),
        (1234567.89, f"1{FINE}234{FINE}567,89 €"),
        (12.0, "12 €"),
        (0.01, "0,01 €"),
        (0.1 + 0.2, "0,30 €"),
        (0.005, "0,01 €"),  # half-up
        (0.004, "0 €"),
        (Decimal("1234.00"), f"1{FINE}234 €"),
        (Decimal("99.9"), "99,90 €"),
        ("1234567", f"1{FINE}234{FINE}567 €"),
        ("1234.5", f"1{FINE}234,50 €"),
        ("1 234,5", f"1{FINE}234,50 €"),
        (f"1{FINE}234", f"1{FINE}234 €"),
        (-12, f"{MOINS}12 €"),
        (-1234.5, f"{MOINS}1{FINE}234,50 €"),
        (-0.001, "0 €"),  # never "−0 €"
    ],
)
def test_montant(value, expected):
    assert montant(value) == expected.replace(" €", NBSP + "€")


def test_montant_separators_are_no_break():
    assert montant(1234567) == "1\u202f234\u202f567\u00a0€"


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_montant_empty(empty):
    assert montant(empty) == ""


def test_montant_cents_modes():
    assert montant(12, cents=True) == f"12,00{NBSP}€"
    assert montant(12.5, cents=True) == f"12,50{NBSP}€"
    assert montant(12.5, cents=False) == f"13{NBSP}€"
    assert montant(1234.49, cents=False) == f"1{FINE}234{NBSP}€"
    with pytest.raises(ValueError):
        montant(12, cents="toujours")


@pytest.mark.parametrize("bad", ["abc", "1,234.5", float("nan"), float("inf"), "Infinity"])
def test_montant_rejects_non_numbers(bad):
    with pytest.raises(ValueError):
        montant(bad)


@pytest.mark.parametrize("bad", [True, [1], object()])
def test_montant_rejects_other_types(bad):
    with pytest.raises(TypeError):
        montant(bad)


def _relire(texte: str) -> Decimal:
    chiffres = texte.removesuffix(NBSP + "€").replace(FINE, "").replace(",", ".")
    return Decimal(chiffres.replace(MOINS, "-"))


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_montant_round_trips_digits(value):
    texte = montant(value)
    assert _relire(texte) == value
    assert not texte.endswith(",00" + NBSP + "€")
    assert "-" not in texte and " " not in texte


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_montant_round_trips_integers(value):
    texte = montant(value)
    assert _relire(texte) == value
    assert "," not in texte


# --------------------------------------------------------------------------- montant_lettres


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "zéro euro"),
        (1, "un euro"),
        (2, "deux euros"),
        (21, "vingt et un euros"),
        (71, "soixante et onze euros"),
        (80, "quatre-vingts euros"),
        (81, "quatre-vingt-un euros"),
        (100, "cent euros"),
        (180, "cent quatre-vingts euros"),
        (200, "deux cents euros"),
        (201, "deux cent un euros"),  # traditional spelling, not "deux-cent-un"
        (1000, "mille euros"),
        (1001, "mille un euros"),
        (2000, "deux mille euros"),
        (80_000, "quatre-vingt mille euros"),
        (200_000, "deux cent mille euros"),
        (1_000_000, "un million d'euros"),
        (1_000_001, "un million un euros"),
        (1_200_000, "un million deux cent mille euros"),
        (2_000_000, "deux millions d'euros"),
        (80_000_000, "quatre-vingts millions d'euros"),
        (200_000_000, "deux cents millions d'euros"),
        (1_000_000_000, "un milliard d'euros"),
        (2_200_000_000, "deux milliards deux cents millions d'euros"),
        (12.5, "douze euros et cinquante centimes"),
        (1.01, "un euro et un centime"),
        (2.80, "deux euros et quatre-vingts centimes"),
        (0.01, "un centime"),
        (0.5, "cinquante centimes"),
        (1_000_000.5, "un million d'euros et cinquante centimes"),
        (
            1234567.89,
            "un million deux cent trente-quatre mille cinq cent soixante-sept euros"
            " et quatre-vingt-neuf centimes",
        ),
        (12.0, "douze euros"),
        (0.1 + 0.2, "trente centimes"),
        (Decimal("1000000.00"), "un million d'euros"),
        ("2000000", "deux millions d'euros"),
        ("12,50", "douze euros et cinquante centimes"),
        (-3, "moins trois euros"),
    ],
)
def test_montant_lettres(value, expected):
    assert montant_lettres(value) == expected


def test_montant_lettres_empty():
    assert montant_lettres(None) == ""
    assert montant_lettres("") == ""


@given(st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False))
def test_montant_lettres_properties(value):
    texte = montant_lettres(value)
    assert "zéro centime" not in texte
    assert "million euros" not in texte and "millions euros" not in texte
    assert "milliard euros" not in texte and "milliards euros" not in texte
    assert re.search(r"(euro|euros|centime|centimes)$", texte)
    assert "  " not in texte and texte == texte.strip()


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_montant_lettres_floats_never_raise(value):
    assert montant_lettres(value).split()[-1] in {"euro", "euros", "d'euros", "centime", "centimes"}


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2024, 5, 1), "1er mai 2024"),
        (dt.date(2024, 5, 25), "25 mai 2024"),
        (dt.date(2030, 12, 31), "31 décembre 2030"),
        (dt.date(2024, 8, 2), "2 août 2024"),
        (dt.datetime(2024, 2, 1, 14, 30), "1er février 2024"),
        ("2024-05-01", "1er mai 2024"),
        ("2024-01-11", "11 janvier 2024"),
        (" 2024-05-25 ", "25 mai 2024"),
        ("2024-05-25T10:00:00", "25 mai 2024"),
        (None, ""),
        ("", ""),
    ],
)
def test_date_fr(value, expected):
    assert date_fr(value) == expected


def test_date_fr_invalid():
    with pytest.raises(ValueError):
        date_fr("01/05/2024")
    with pytest.raises(TypeError):
        date_fr(20240501)


def test_mois_annee():
    assert mois_annee(dt.date(2024, 5, 1)) == "mai 2024"
    assert mois_annee("2024-02-15") == "février 2024"
    assert mois_annee(dt.datetime(2030, 12, 1)) == "décembre 2030"
    assert mois_annee(None) == ""


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0,), "0"),
        ((1234,), f"1{FINE}234"),
        ((1234.5,), f"1{FINE}234,5"),
        ((1234.0,), f"1{FINE}234"),
        ((Decimal("1234.50"),), f"1{FINE}234,5"),
        ((0.1 + 0.2,), "0,3"),
        ((2 / 3,), "0,667"),
        (("1234567",), f"1{FINE}234{FINE}567"),
        ((-1234.5,), f"{MOINS}1{FINE}234,5"),
        ((1234.5, 2), f"1{FINE}234,50"),
        ((2, 1), "2,0"),
        ((2.5, 0), "3"),  # half-up
        ((1234.567, 0), f"1{FINE}235"),
        ((None,), ""),
    ],
)
def test_nombre(args, expected):
    assert nombre(*args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((12.5,), f"12,5{NBSP}%"),
        ((12,), f"12{NBSP}%"),
        ((0.125,), f"0,125{NBSP}%"),  # value is already a percentage
        ((100,), f"100{NBSP}%"),
        ((33.333, 1), f"33,3{NBSP}%"),
        ((12.5, 0), f"13{NBSP}%"),
        ((-2.5,), f"{MOINS}2,5{NBSP}%"),
        (("12,5",), f"12,5{NBSP}%"),
        ((None,), ""),
    ],
)
def test_pourcentage(args, expected):
    assert pourcentage(*args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0, "logement"), "0 logement"),
        ((1, "logement"), "1 logement"),
        ((3, "logement"), "3 logements"),
        ((1.5, "million"), "1,5 million"),
        ((2, "million"), "2 millions"),
        ((1234, "habitant"), f"1{FINE}234 habitants"),
        ((2, "quartier prioritaire", "quartiers prioritaires"), "2 quartiers prioritaires"),
        ((1, "quartier prioritaire", "quartiers prioritaires"), "1 quartier prioritaire"),
        ((3, "bureau", "bureaux"), "3 bureaux"),
        ((None, "logement"), ""),
    ],
)
def test_pluriel(args, expected):
    assert pluriel(*args) == expected


# --------------------------------------------------------------------------- text


def test_guillemets():
    assert guillemets("Quartiers 2030") == f"«{NBSP}Quartiers 2030{NBSP}»"
    assert guillemets("  texte ") == f"«{NBSP}texte{NBSP}»"
    assert guillemets(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Objectif : réduire", f"Objectif{NBSP}: réduire"),
        ("Objectif: réduire", f"Objectif{NBSP}: réduire"),
        ("Pourquoi ? Parce que !", f"Pourquoi{NBSP}? Parce que{NBSP}!"),
        ("Pourquoi?", f"Pourquoi{NBSP}?"),
        ("Vraiment?!", f"Vraiment{NBSP}?!"),
        ("Vraiment ?!", f"Vraiment{NBSP}?!"),
        ("un ; deux", f"un{NBSP}; deux"),
        ("un; deux", f"un{NBSP}; deux"),
        ("un  : deux", f"un{NBSP}: deux"),
        ("« texte »", f"«{NBSP}texte{NBSP}»"),
        ("«texte»", f"«{NBSP}texte{NBSP}»"),
        ("dit « oui »: bien", f"dit «{NBSP}oui{NBSP}»{NBSP}: bien"),
        ("Note :\nsuite", f"Note{NBSP}:\nsuite"),
        ("Et ensuite...", "Et ensuite…"),
        ("[...] fin", "[…] fin"),
        # left alone
        ("réunion à 14:30", "réunion à 14:30"),
        ("ratio 1:2", "ratio 1:2"),
        (
            "voir https://www.example.fr/page?id=3&x=1;y",
            "voir https://www.example.fr/page?id=3&x=1;y",
        ),
        ("voir http://a.fr/b: c", "voir http://a.fr/b: c"),
        ("écrire à contact@ville.fr", "écrire à contact@ville.fr"),
        ("un.... deux", "un.... deux"),
        (f"déjà{NBSP}: fait", f"déjà{NBSP}: fait"),
        (f"fine{FINE}; gardée", f"fine{FINE}; gardée"),
        ("(:", "(:"),
        ("", ""),
    ],
)
def test_typographie(text, expected):
    assert typographie(text) == expected


def test_typographie_none():
    assert typographie(None) == ""


@given(st.text())
def test_typographie_idempotent_and_only_adds_spaces(text):
    once = typographie(text)
    assert typographie(once) == once
    if "..." not in text:

        def squelette(s):
            return re.sub(r"[ \t\u00a0]", "", s)

        assert squelette(once) == squelette(text)


def test_paragraphes():
    text = (
        "Le quartier compte 3 000 habitants.   \n"
        "Il est situé au nord.\n"
        "\n"
        "Objectifs :\n"
        "- réduire la vacance\n"
        "• rénover les écoles  \n"
        "  et les gymnases\n"
        "Suite du texte.\n"
        "\n\n\n"
        "Dernier paragraphe."
    )
    assert paragraphes(text) == [
        {
            "type": "paragraphe",
            "lignes": ["Le quartier compte 3 000 habitants.", "Il est situé au nord."],
        },
        {"type": "paragraphe", "lignes": ["Objectifs :"]},
        {"type": "liste", "elements": ["réduire la vacance", "rénover les écoles et les gymnases"]},
        {"type": "paragraphe", "lignes": ["Suite du texte."]},
        {"type": "paragraphe", "lignes": ["Dernier paragraphe."]},
    ]


def test_paragraphes_edge_cases():
    assert paragraphes(None) == []
    assert paragraphes("") == []
    assert paragraphes(" \n\n \t\n") == []
    assert paragraphes("Un seul") == [{"type": "paragraphe", "lignes": ["Un seul"]}]
    assert paragraphes("a\r\nb\r\rc") == [
        {"type": "paragraphe", "lignes": ["a", "b"]},
        {"type": "paragraphe", "lignes": ["c"]},
    ]
    assert paragraphes("- a\n\n- b") == [
        {"type": "liste", "elements": ["a"]},
        {"type": "liste", "elements": ["b"]},
    ]
    # "-5 %" is not a bullet; a lone "-" is dropped
    assert paragraphes("-5 % de vacance\n-\n") == [
        {"type": "paragraphe", "lignes": ["-5 % de vacance"]}
    ]


@given(st.text())
def test_paragraphes_never_raises(text):
    for bloc in paragraphes(text):
        assert bloc["type"] in {"paragraphe", "liste"}
        contenu = bloc.get("lignes") or bloc.get("elements")
        assert contenu and all(s and s == s.strip() and "\n" not in s for s in contenu)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\u2028b\u2029c", "a\nb\nc"),
        ("a\tb", "a b"),
        ("\ufeffdébut\u200bfin", "débutfin"),
        ("bip\x07\x00\x1b[0m", "bip[0m"),
        ("x\x7f\x85y", "x\ny"),
        ("famille 👨\u200d👩\u200d👧 ok 🎉", "famille 👨\u200d👩\u200d👧 ok 🎉"),
        ("שלום עולם \u200fمرحبا", "שלום עולם \u200fمرحبا"),
        ("\ud800 seul", "\ud800 seul"),
        ("", ""),
    ],
)
def test_nettoyer(text, expected):
    assert nettoyer(text) == expected


def test_nettoyer_none():
    assert nettoyer(None) == ""


@given(st.text())
def test_nettoyer_never_leaves_control_chars(text):
    result = nettoyer(text)
    assert all(c == "\n" or unicodedata.category(c) != "Cc" for c in result)
    assert "\r" not in result and "\u200b" not in result and "\ufeff" not in result


def test_filtres():
    assert set(FILTRES) == {
        "montant",
        "montant_lettres",
        "date_fr",
        "mois_annee",
        "pourcentage",
        "nombre",
        "pluriel",
        "compte",
        "guillemets",
        "typographie",
    }
    assert FILTRES["montant"] is montant
    assert all(callable(f) for f in FILTRES.values())


def test_typographie_linear_on_long_words():
    # the URL/e-mail guard once made this quadratic (minutes for 100 000 characters)
    assert typographie("a" * 100_000 + "?") == "a" * 100_000 + NBSP + "?"
    assert typographie("x@" * 50_000) == "x@" * 50_000


def test_typographie_espace_insecable_entre_nombre_et_unite():
    from generator.documents.formatting import typographie

    assert typographie("soit 13 % et 1 200 €") == "soit 13\u00a0% et 1 200\u00a0€"
    assert typographie("2024 - 2030") == "2024 - 2030"


def test_units_below_two_take_the_singular():
    from generator.documents.render import valeur

    assert valeur(0, "jeunes") == "0\u00a0jeune"
    assert valeur(1, "logements") == "1\u00a0logement"
    assert valeur(1.5, "heures") == "1,5\u00a0heure"
    assert valeur(2, "jeunes") == "2\u00a0jeunes"
    assert valeur(0, "mois") == "0\u00a0mois"
    assert valeur(0, "jeunes accompagnés") == "0\u00a0jeunes accompagnés"
    assert valeur(0, "%") == "0\u00a0%"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((3, "quartier prioritaire", "quartiers prioritaires"), "trois quartiers prioritaires"),
        (
            (1, "orientation stratégique", "orientations stratégiques", "f"),
            "une orientation stratégique",
        ),
        ((1, "bailleur"), "un bailleur"),
        ((0, "indicateur"), "aucun indicateur"),
        ((0, "opération", "opérations", "f"), "aucune opération"),
        ((10, "ligne", None, "f"), "dix lignes"),
        ((11, "quartier"), "11 quartiers"),
        ((1200, "logement"), "1\u202f200 logements"),
        ((2.5, "million"), "2,5 millions"),
        ((None, "logement"), ""),
    ],
)
def test_compte_writes_small_counts_in_words(args, expected):
    from generator.documents.formatting import compte

    assert compte(*args) == expected
