"""Amounts as people write them in spreadsheets: read, or refused with the reason."""

from decimal import Decimal

import pytest

from generator.sheets.amounts import AmountError, parse_amount


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (150000, "150000"),
        (150000.0, "150000"),
        (150000.5, "150000.5"),
        (0.1 + 0.2, "0.30"),
        ("150000", "150000"),
        ("150 000", "150000"),
        ("150\u00a0000", "150000"),
        ("150\u202f000 €", "150000"),
        ("150 000 €", "150000"),
        ("€ 150 000", "150000"),
        ("150 000,50", "150000.50"),
        ("150 000,5", "150000.5"),
        ("150000.5", "150000.5"),
        ("150000,50", "150000.50"),
        ("1.234.567", "1234567"),
        ("1 234 567 EUR", "1234567"),
        ("12 500 euros", "12500"),
        ("  42  ", "42"),
        ("1'250'000", "1250000"),
        ("150.00", "150"),
    ],
)
def test_amounts_people_write_are_read(written, expected):
    assert parse_amount(written) == Decimal(expected)


@pytest.mark.parametrize("empty", [None, "", "   ", "-"])
def test_an_empty_cell_is_no_amount(empty):
    assert parse_amount(empty) is None


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("150.000", "ambigu"),
        ("150,000", "ambigu"),
        ("1,234.56", "mêle une virgule et un point"),
        ("1.234,56", "mêle une virgule et un point"),
        ("-1500", "négatif"),
        (-1500, "négatif"),
        ("(1500)", "négatif"),
        ("150,123 4", "lisible"),
        ("15 00", "lisible"),
        ("1 50 000", "lisible"),
        ("150,1234", "deux décimales"),
        (1234.5678, "deux décimales"),
        ("douze mille", "n'est pas un montant"),
        ("12a", "n'est pas un montant"),
        ("1.23.4", "lisible"),
        (True, "vrai/faux"),
        (float("nan"), "pas un nombre"),
    ],
)
def test_ambiguous_or_wrong_amounts_are_refused_with_the_reason(written, words):
    with pytest.raises(AmountError) as caught:
        parse_amount(written)
    assert words in caught.value.reason


def test_the_ambiguous_message_shows_both_readings_and_how_to_write_them():
    with pytest.raises(AmountError) as caught:
        parse_amount("150.000")
    assert "150000 €" in caught.value.reason and "150,000 €" in caught.value.reason
    assert "« 150 000 »" in caught.value.reason


@pytest.mark.parametrize(
    ("written", "decimal", "expected"),
    [
        ("1,234.56", ".", "1234.56"),
        ("1.234,56", ",", "1234.56"),
        ("150.000", ",", "150000"),
        ("150,000", ".", "150000"),
        ("150,5", ",", "150.5"),
    ],
)
def test_a_declared_decimal_separator_settles_the_ambiguity(written, decimal, expected):
    assert parse_amount(written, decimal=decimal) == Decimal(expected)


def test_a_declared_separator_does_not_accept_a_misplaced_one():
    with pytest.raises(AmountError):
        parse_amount("1.234,56", decimal=".")
