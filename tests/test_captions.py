"""Caption numbers are written at build time: a reader who opens the .docx without updating
fields (Protected View, or declining Word's offer) sees « Tableau 1 », « Tableau 2 »… in order,
not eighteen « Tableau 1 »."""

from __future__ import annotations

import re
import zipfile

from test_documents import built_examples


def caption_numbers(path) -> list[int]:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    return [
        int(n) for n in re.findall(r'w:instr=" SEQ Tableau[^"]*">.*?<w:t[^>]*>(\d+)</w:t>', xml)
    ]


def test_captions_of_the_contract_are_numbered_in_order(tmp_path_factory):
    numbers = caption_numbers(built_examples(tmp_path_factory) / "arras" / "contrat-de-ville.docx")
    assert len(numbers) > 10
    assert numbers == list(range(1, len(numbers) + 1))


def test_each_annex_numbers_its_own_tables_from_one(tmp_path_factory):
    folder = built_examples(tmp_path_factory) / "creil-sud-oise"
    for name in ("annexe-3-financiere.docx", "annexe-2-convention-tfpb-oise-habitat.docx"):
        numbers = caption_numbers(folder / name)
        assert numbers and numbers == list(range(1, len(numbers) + 1)), name


def test_complex_seq_fields_are_numbered_too():
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from generator.documents.docx_post import number_captions

    document = docx.Document()
    body = document.element.body
    for _ in range(3):
        body.append(
            parse_xml(
                f"<w:p {nsdecls('w')}><w:r><w:t>Tableau </w:t></w:r>"
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                '<w:r><w:instrText xml:space="preserve"> SEQ Tableau \\* ARABIC </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
            )
        )
    number_captions(document)
    assert [p.text for p in document.paragraphs[-3:]] == ["Tableau 1", "Tableau 2", "Tableau 3"]
