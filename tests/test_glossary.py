"""The glossary (annex 7) lists exactly the acronyms of the template set's glossary that the
contract uses: in the template's own text or in the territory's description."""

from __future__ import annotations

import re

from test_documents import built_examples
from test_legal_frame import paragraphs

from generator.documents.glossary import GLOSSARY_FILE, _pattern, glossary_entries
from generator.documents.templates import load_template_set


def split(path):
    """(text before the glossary, the glossary's acronyms)."""
    lines = paragraphs(path)
    start = lines.index("Sigle")
    body = "\n".join(lines[:start])
    rows = lines[start + 2 :]
    sigles = []
    for i in range(0, len(rows) - 1, 2):
        if rows[i] in {a for a, _ in ENTRIES}:
            sigles.append(rows[i])
        else:
            break
    return body, sigles


ENTRIES = glossary_entries(load_template_set().folder)


def test_the_template_set_maintains_a_glossary():
    acronyms = {a for a, _ in ENTRIES}
    assert {"REP+", "PMI", "RSA", "CLS", "CISPD", "PLH", "ORT", "FSE+", "FEDER"} <= acronyms
    assert {"ARS", "CPAM", "DSDEN", "ADEME", "Anah", "QPV", "EPCI"} <= acronyms
    assert (load_template_set().folder / GLOSSARY_FILE).is_file()


def test_the_glossary_lists_the_acronyms_the_contract_uses(tmp_path_factory):
    out = built_examples(tmp_path_factory)
    for example in ("arras", "creil-sud-oise", "saint-quentinois"):
        body, sigles = split(out / example / "contrat-de-ville.docx")
        # the annexes are part of the contract: their acronyms count too
        for annex in sorted((out / example).glob("annexe-*.docx")):
            body += "\n" + "\n".join(paragraphs(annex))
        used = sorted((a for a, _ in ENTRIES if _pattern(a).search(body)), key=str.casefold)
        assert sigles == used, example
        assert len(sigles) > 10
    # the annexes' own acronyms come from the same texts: REP+ used by Arras, listed
    body, sigles = split(out / "arras" / "contrat-de-ville.docx")
    for acronym in ("QPV", "EPCI", "TFPB"):
        assert acronym in sigles
    assert not re.search(r"\bVVV\b", body) or "VVV" in sigles
