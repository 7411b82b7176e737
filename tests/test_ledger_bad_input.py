"""Issue 10, « Bad input »: what a pilot sees for each case of the list, in French, where the
value was typed. Most cases are tested next to the rule they exercise; this file holds the
quantities (« a unit mixed in a sum ») and lists where the others are:

- shares that do not add up to 100 %: test_ledger.py::test_shares_that_do_not_add_up_to_100
  (and ::test_allocated_amounts_that_differ_from_the_operation for amounts);
- funders' amounts that differ from the total:
  test_ledger.py::test_funders_amounts_that_differ_from_the_declared_operation_total;
- an unknown QPV, funder, orientation: test_ledger.py::test_an_identifier_that_does_not_exist;
- a paid amount above the notified one:
  test_ledger.py::test_a_paid_amount_above_the_notified_one_is_a_warning;
- a format-1 file beside format-2 files: test_ledger.py::test_a_format_1_file_beside_format_2_files
  (and the other way round: ::test_a_format_2_file_beside_format_1_files_loses_nothing);
- `cdv migrer` on a migrated folder, a read-only folder, interrupted: test_migrate.py
  (::test_migrating_a_migrated_folder_changes_nothing_and_says_so,
  ::test_a_read_only_folder_is_a_clear_error_and_nothing_is_written,
  ::test_an_interrupted_migration_puts_every_file_back), each with the message it prints.

The commitment sheets of tests/cas/registre/ replace engagements/etat.yaml of the minimal
territory (tests/conftest.py), one case per file.
"""

from __future__ import annotations

from conftest import CAS, line_of, minimal, problems_of, write_territory

from generator.description.problems import AVERTISSEMENT, ERREUR

REGISTRE = CAS / "registre"


def territory_with_sheet(tmp_path, case: str, data: dict | None = None):
    root = write_territory(tmp_path / "t", data or minimal(), split=True)
    sheet = root / "engagements" / "etat.yaml"
    sheet.write_bytes((REGISTRE / case).read_bytes())
    return root, sheet


def only(problems):
    assert len(problems) == 1, "\n".join(p.format() for p in problems)
    return problems[0]


def test_one_unit_twice_in_a_commitment_is_refused_where_it_is_typed(tmp_path, run):
    root, sheet = territory_with_sheet(tmp_path, "fiche-unite-deux-fois.yaml")
    problem = only(problems_of(root))
    assert problem.severity == ERREUR
    assert problem.message == (
        "l'unité « places » figure deux fois : une quantité par unité "
        "(les quantités d'unités différentes ne s'additionnent pas)"
    )
    assert (problem.file, problem.line) == (str(sheet), line_of(sheet, "valeur: 15"))
    result = run("validate", root)
    assert result.exit_code == 1
    assert f"{sheet}:{problem.line}:" in result.output
    assert "erreur : engagements" in result.output and "figure deux fois" in result.output


def test_posts_an_operation_already_counts_are_not_added_a_second_time(tmp_path, run):
    data = minimal()
    data["financements"]["operations"][0]["quantites"] = [{"valeur": 2, "unite": "postes"}]
    root, sheet = territory_with_sheet(tmp_path, "fiche-postes-deja-comptes.yaml", data)
    problem = only(problems_of(root))
    assert problem.severity == AVERTISSEMENT
    assert problem.message == (
        "l'opération « appel-a-projets » citée par cet engagement compte déjà 2 postes : "
        "ceux-ci s'y ajouteraient dans la synthèse des engagements ; retirez-les d'ici s'ils "
        "sont les mêmes, ou décrivez-les dans leur propre opération"
    )
    assert (problem.file, problem.line) == (str(sheet), line_of(sheet, "unite: postes"))
    result = run("validate", root)
    assert result.exit_code == 0  # a warning: the pilot may mean other posts
    assert f"{sheet}:{problem.line}:" in result.output and "avertissement" in result.output


def test_a_sheet_with_its_own_posts_beside_an_operation_counting_places_is_fine(tmp_path):
    data = minimal()
    data["financements"]["operations"][0]["quantites"] = [{"valeur": 15, "unite": "places"}]
    root, _ = territory_with_sheet(tmp_path, "fiche-postes-deja-comptes.yaml", data)
    assert problems_of(root) == []


def test_a_unit_written_in_the_value_is_refused_with_the_text_quoted(tmp_path):
    root, sheet = territory_with_sheet(tmp_path, "quantite-avec-son-unite.yaml")
    problem = only(problems_of(root))
    assert problem.severity == ERREUR
    assert "un nombre est attendu, pas le texte « 4 postes »" in problem.message
    assert (problem.file, problem.line) == (str(sheet), line_of(sheet, "valeur: 4 postes"))
