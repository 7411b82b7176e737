"""A corpus of broken Word templates, one defect each, built with python-docx.

Each case is a small document (a heading, then the defect) with what `cdv modeles verifier`
must say about it and where. The tests build them in a temporary folder; to look at them in
Word, write them somewhere:

    python tests/cas/modeles/corpus.py /tmp/modeles-casses
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

HEADING = "Cadre du contrat"


@dataclass(frozen=True)
class Case:
    name: str
    build: object  # function(document) that adds the defect after the heading
    message: str  # a fragment of the message
    where: tuple[str, ...]  # fragments of the location
    severity: str = "erreur"
    for_each: str | None = None
    others: tuple[str, ...] = field(default_factory=tuple)


def _p(document, text: str, style: str | None = None):
    return document.add_paragraph(text, style=style)


def _raw_runs(paragraph, xml_runs: str) -> None:
    """Append raw runs (WordprocessingML) to a paragraph."""
    wrapper = parse_xml(f"<w:p {nsdecls('w')}>{xml_runs}</w:p>")
    for child in list(wrapper):
        paragraph._p.append(child)


def syntax_error(d):
    _p(
        d,
        "Le territoire de {{ territoire.epci.nom }} compte "
        "{{ territoire.qpv|length ) }} quartiers.",
    )


def split_formatting(d):
    p = _p(d, "Intercommunalité : ")
    p.add_run("{{ territoire.")
    p.add_run("epci.nom }}").bold = True


def spaced_braces(d):
    _p(d, "Intercommunalité : { { territoire.epci.nom }}")


def split_paragraphs(d):
    _p(d, "Intercommunalité : {{ territoire.")
    _p(d, "epci.nom }}, porteuse du contrat.")


def tracked_change(d):
    p = _p(d, "Intercommunalité : ")
    _raw_runs(
        p,
        "<w:r><w:t>{</w:t></w:r>"
        '<w:del w:id="1" w:author="IREV" w:date="2024-03-01T00:00:00Z">'
        "<w:r><w:delText>x</w:delText></w:r></w:del>"
        '<w:r><w:t xml:space="preserve">{ territoire.epci.nom }}</w:t></w:r>',
    )


def for_in_table(d):
    table = d.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "Code"
    table.cell(0, 1).text = "Quartier"
    table.cell(1, 0).text = "{% for q in territoire.qpv %}{{ q.code }}"
    table.cell(1, 1).text = "{{ q.libelle }}"
    table.cell(2, 0).text = "{% endfor %}"


def p_with_text(d):
    _p(d, "Quartiers prioritaires : {%p if territoire.qpv %}")
    _p(d, "{{ territoire.qpv|length }} quartiers.")
    _p(d, "{%p endif %}")


def unknown_variable(d):
    _p(d, "Le contrat de {{ territoire.nomm }} est conclu pour six ans.")


def unknown_filter(d):
    _p(d, "Montant total : {{ finances.total|montnat }}.")


def unknown_loop_field(d):
    _p(d, "{%p for q in territoire.qpv %}")
    _p(d, "Le quartier {{ q.nomm }} ({{ q.code }}).")
    _p(d, "{%p endfor %}")


def unclosed_block(d):
    _p(d, "{%p if doc.projet %}")
    _p(d, "Document de travail.")
    _p(d, "Suite du contrat.")


def stray_end(d):
    _p(d, "Fin du préambule.{% endif %}")


def crossed_blocks(d):
    _p(d, "{%p for q in territoire.qpv %}")
    _p(d, "{%p if q.nouveau %}")
    _p(d, "Nouveau quartier : {{ q.libelle }}.")
    _p(d, "{%p endfor %}")
    _p(d, "{%p endif %}")


def tr_outside_table(d):
    _p(d, "{%tr for s in signataires_signant %}")
    _p(d, "{{ s.nom }}")
    _p(d, "{%tr endfor %}")


def french_quotes(d):
    _p(d, "{{ doc.sous_titre|default(« sans titre ») }}")


def nbsp_after_p(d):
    _p(d, "{%p\u00a0if doc.projet %}")
    _p(d, "Projet.")
    _p(d, "{%p endif %}")


def convention_outside_tfpb(d):
    _p(d, "Bailleur : {{ convention.bailleur_info.nom }}")


def list_as_object(d):
    _p(d, "Code : {{ territoire.qpv.code }}")


def unknown_selectattr(d):
    _p(
        d,
        "{{ signataires|selectattr('typ', 'equalto', 'commune')|map(attribute='nom')|join(', ') }}",
    )


def rich_text_tag(d):
    _p(d, "{{r doc.epci }}")


def safe_filter(d):
    _p(d, "{{ contrat.preambule|safe }}")


def bad_loop_attribute(d):
    _p(d, "{%p for q in territoire.qpv %}")
    _p(d, "{{ loop.indx }}. {{ q.libelle }}")
    _p(d, "{%p endfor %}")


def in_header(d):
    d.sections[0].header.paragraphs[0].text = "{{ doc.mentionn }}"


CASES = [
    Case(
        "syntaxe", syntax_error, "erreur de syntaxe", ("paragraphe 2", HEADING, "Le territoire de")
    ),
    Case(
        "mise-en-forme-inegale",
        split_formatting,
        "mise en forme de façon inégale",
        ("paragraphe 2", "Intercommunalité"),
        severity="avertissement",
    ),
    Case("accolades-separees", spaced_braces, "balise cassée « { { »", ("paragraphe 2",)),
    Case(
        "balise-sur-deux-paragraphes",
        split_paragraphs,
        "coupée par un retour à la ligne",
        ("paragraphe 2", "Intercommunalité : {{ territoire."),
        others=("sa fin est au paragraphe suivant",),
    ),
    Case(
        "modification-suivie",
        tracked_change,
        "que docxtpl ne peut pas reconstituer",
        ("paragraphe 2",),
    ),
    Case(
        "for-dans-un-tableau",
        for_in_table,
        "{%tr for q in territoire.qpv %}",
        ("tableau 1, ligne 3, colonne 1", HEADING),
        others=("tableau 1, ligne 2, colonne 1",),
    ),
    Case(
        "p-avec-du-texte",
        p_with_text,
        "partage son paragraphe avec « Quartiers prioritaires : »",
        ("paragraphe 2",),
    ),
    Case(
        "variable-inconnue",
        unknown_variable,
        "champ inconnu « territoire.nomm »",
        ("paragraphe 2", "Le contrat de {{ territoire.nomm }}"),
    ),
    Case(
        "filtre-inconnu",
        unknown_filter,
        "filtre inconnu « montnat » ; vouliez-vous dire « montant » ?",
        ("paragraphe 2",),
    ),
    Case(
        "champ-inconnu-dans-une-boucle",
        unknown_loop_field,
        "« q.nomm »",
        ("paragraphe 3",),
        others=("un élément de territoire.qpv", "vouliez-vous dire « q.nom » ?"),
    ),
    Case(
        "bloc-non-ferme",
        unclosed_block,
        "jamais fermé : ajoutez {%p endif %}",
        ("paragraphe 2", "{%p if doc.projet %}"),
    ),
    Case("fin-sans-debut", stray_end, "qui n'a pas été ouvert", ("paragraphe 2",)),
    Case(
        "blocs-croises",
        crossed_blocks,
        "n'est pas encore fermé",
        ("paragraphe 5",),
        others=("paragraphe 3",),
    ),
    Case("tr-hors-tableau", tr_outside_table, "hors d'un tableau", ("paragraphe 2",)),
    Case("guillemets-francais", french_quotes, "guillemets français", ("paragraphe 2",)),
    Case("espace-insecable", nbsp_after_p, "espace insécable", ("paragraphe 2",)),
    Case(
        "convention-hors-tfpb",
        convention_outside_tfpb,
        "n'existe que dans les documents produits pour chaque convention TFPB",
        ("paragraphe 2",),
    ),
    Case("liste-comme-objet", list_as_object, "est une liste", ("paragraphe 2",)),
    Case(
        "selectattr-inconnu",
        unknown_selectattr,
        "« typ »",
        ("paragraphe 2",),
        others=("vouliez-vous dire", "type"),
    ),
    Case("texte-enrichi", rich_text_tag, "réservée aux objets Word", ("paragraphe 2",)),
    Case("filtre-safe", safe_filter, "filtre « safe » interdit", ("paragraphe 2",)),
    Case("loop-inconnu", bad_loop_attribute, "« loop.indx » n'existe pas", ("paragraphe 3",)),
    Case("en-tete", in_header, "champ inconnu « doc.mentionn »", ("en-tête 1",)),
]


def build(case: Case, folder: Path) -> Path:
    document = Document()
    document.add_heading(HEADING, level=1)
    case.build(document)
    path = folder / f"{case.name}.docx"
    document.save(str(path))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "modeles-casses")
    target.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        print(build(case, target))
