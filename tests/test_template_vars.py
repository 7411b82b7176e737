"""The reference of what templates can use: generated from the schema, kept current."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli.main import cli
from generator.description.schema import validator
from generator.documents.render import make_environment
from generator.maintenance.variables import (
    FILTRES_DOC,
    dependencies,
    path_text,
    render_markdown,
    sample_context,
    schema_fields,
    synthetic_description,
)
from generator.maintenance.variables_filters import _jinja_filters

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "variables.md"


def test_docs_variables_md_is_current():
    expected = render_markdown()
    current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.is_file() else ""
    assert current == expected, (
        "docs/variables.md n'est pas à jour : lancez « cdv modeles variables » à la racine du dépôt"
    )


def test_the_synthetic_description_is_complete_and_valid():
    data = synthetic_description()
    errors = [e.message for e in validator().iter_errors(data)]
    assert errors == []
    context = sample_context()
    # every list of the context the templates loop over has something to check against
    assert context["signataires_signant"] and context["partenaires_associes"]
    assert context["tfpb"][0]["axes_avec_actions"]
    assert context["territoire"]["qpv"][0]["projet"] is not None


def test_every_schema_field_and_filter_is_in_the_reference():
    text = render_markdown()
    for info in schema_fields():
        assert f"`{path_text(info.path)}`" in text, path_text(info.path)
    builtin = set(_jinja_filters())
    for name in make_environment().filters:
        if name not in builtin:
            assert name in FILTRES_DOC, f"filtre « {name} » sans description dans FILTRES_DOC"
            assert f"| `{name}` |" in text
    assert "`convention`" in text


def test_context_values_are_traced_to_the_fields_they_come_from():
    deps = dependencies()
    assert not deps.failed
    assert ("doc", "epci") in deps.copies[("territoire", "epci", "nom")]
    # an amount of the ledger reaches the detail of the financial annex as it was written
    assert ("finances", "lignes", "[]", "montant_dec") in deps.copies[
        ("financements", "operations", "[]", "financeurs", "[]", "annees", "[]", "montant")
    ]
    # a total changes with the amounts it adds up
    assert ("population_qpv",) in deps.changed[("territoire", "qpv", "[]", "population")]


def test_cli_writes_and_verifies_the_reference(tmp_path):
    target = tmp_path / "variables.md"
    result = CliRunner().invoke(cli, ["templates", "vars", "--sortie", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == render_markdown()
    result = CliRunner().invoke(cli, ["templates", "vars", "--verifier", "--sortie", str(target)])
    assert result.exit_code == 0
    target.write_text("ancien", encoding="utf-8")
    result = CliRunner().invoke(cli, ["templates", "vars", "--verifier", "--sortie", str(target)])
    assert result.exit_code == 1
    assert "n'est pas à jour" in result.output


def test_every_variable_of_the_revoyure_documents_is_described():
    from generator.maintenance.variables_revoyure import revoyure_contexts, undescribed

    assert undescribed() == []
    contexts = revoyure_contexts()
    avenant = contexts["avenant"]
    # a variable or a field added later to those contexts, and not described, is reported
    added = {"avenant": dict(avenant, date_revoyure="2027")}
    assert undescribed(added) == ["date_revoyure"]
    added = {"avenant": dict(avenant, avenant=dict(avenant["avenant"], seance={"lieu": "x"}))}
    assert undescribed(added) == ["avenant.seance", "avenant.seance.lieu"]


def _revoyure_section() -> str:
    text = render_markdown()
    start = text.index("## Variables des documents de la revoyure (avenant, évaluation)")
    return text[start:]


def test_the_revoyure_section_lists_every_variable_the_three_templates_read():
    from generator.documents.templates import load_template_set
    from generator.maintenance.check import DocumentCheck

    section = _revoyure_section()
    later = load_template_set().later_documents
    assert sorted(d.id for d in later) == ["avenant", "avenant-tfpb", "evaluation"]
    for doc in later:
        check = DocumentCheck(doc.template, doc.template.name, doc.for_each).run()
        assert check.problems == [] and check.accessed, doc.id
        for path in check.accessed:
            assert f"`{path[0]}`" in section, (doc.id, path[0])
            if path[0] in ("avenant", "evaluation_mi_parcours"):
                # a list of texts is one line (`avenant.visas`), read item by item (`v`)
                text = path_text(path).removesuffix("[]")
                assert f"| `{text}` |" in section, (doc.id, text)
    # the contract's variables are there too, and the TFPB documents' `convention` is not
    assert "`territoire`" in section and "`doc`" in section
    assert "`convention` :" in section and ", `convention`" not in section
