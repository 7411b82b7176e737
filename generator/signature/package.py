"""The signature package: the contract and its annexes in one PDF, assembled with pypdf.

Order of the package: the contract, an index page « Annexes », then the annexes produced by
the tool in the order of the template manifest (the financial annex, then one TFPB convention
per bailleur), then the external PDF annexes of the description (`annexes[].fichier`).

- bookmarks: one per document (top level), with the document's own headings below it (exported
  by LibreOffice; rebuilt from the Word headings if a PDF has none);
- page labels, shown by PDF viewers in place of the bare page number: the contract is numbered
  1, 2, 3… like its printed pages; the index page is « Annexes »; each annex is numbered after
  its code: A3-1, A3-2… for annex 3, A2.1-1… for the first TFPB convention, A6.1-1… for the
  first external document (annex 6: « documents associés »);
- the index page lists each annex with the number of its first page in the file (and its
  label), every line a link; documents declared without a file are listed as « non jointe »;
- a diagonal « PROJET » watermark on every page while the contract is not final;
- metadata: title, author (the EPCI), subject, keywords, language;
- reproducible: creation and modification dates come from the description's date, the file
  identifier (/ID) is a hash of the inputs, and nothing of LibreOffice's own variable output
  (its dates and identifiers) is copied: two runs give the same bytes.

The index page is drawn directly as a PDF content stream, in an embedded TrueType face (the
Liberation Sans LibreOffice gives the documents, WinAnsi encoding, which has all French letters
and « »), the watermark as vector paths: one page of text does not justify a dependency on a
PDF drawing library, and every font of the package is embedded.

This module plans a territory's package (what goes in, from the build and the description) and
has it assembled; the work is done by:
- parts.py: the documents (Part), the metadata (PackageInfo), the checked reading of PDFs;
- assembly.py: the assembly, page labels, metadata and pinned identifiers;
- outline.py: the bookmarks; index_page.py: the index page; watermark.py: « PROJET »;
- pdf_text.py: text in WinAnsi (widths, wrapping) and content streams;
- embedded_font.py: the TrueType face of the index page, embedded (a WinAnsi subset).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.documents.hand_edits import draft_name
from generator.signature.assembly import assemble, recorded_digest, single_document
from generator.signature.paginated_docx import PAGINATED_NAME, with_page_numbers
from generator.signature.parts import PackageError, PackageInfo, Part, read_external

if TYPE_CHECKING:
    from generator.description.load import Description

PACKAGE_NAME = "contrat-de-ville-signature.pdf"
PACKAGE_FORMAT = 1
# Number of the annex « documents associés », under which external documents are numbered.
EXTERNAL_SERIES = "6"
NBSP = "\u00a0"


@dataclass
class Planned:
    """A document of the package and where it comes from."""

    part: Part
    docx: Path | None = None  # converted by LibreOffice; None for an external PDF
    standalone: str | None = None  # name of its own PDF (a TFPB convention)


@dataclass
class TerritoryPlan:
    territory: str
    root: Path
    folder: Path
    info: PackageInfo
    contract: Planned
    annexes: list[Planned]
    digest: str = ""
    notes: list[str] = field(default_factory=list)
    draft: bool = False  # made from draft documents: every PDF has a « .brouillon » name

    @property
    def package_name(self) -> str:
        return draft_name(PACKAGE_NAME) if self.draft else PACKAGE_NAME

    @property
    def paginated_name(self) -> str:
        return draft_name(PAGINATED_NAME) if self.draft else PAGINATED_NAME

    @property
    def documents(self) -> list[Path]:
        return [p.docx for p in [self.contract, *self.annexes] if p.docx is not None]

    def outputs(self) -> dict[str, str]:
        """File name -> the input hash recorded in it."""
        names = {
            self.package_name: self.digest,
            self.paginated_name: f"{self.digest}:{self.paginated_name}",
        }
        for planned in self.annexes:
            if planned.standalone:
                names[planned.standalone] = f"{self.digest}:{planned.standalone}"
        return names


def _annex_number(output_name: str) -> str | None:
    match = re.match(r"annexe-(\d+)", output_name)
    return match.group(1) if match else None


def _code_order(code: str) -> tuple:
    if re.fullmatch(r"\d+(\.\d+)*", code):
        return (0, *map(int, code.split(".")))
    return (1, code)


def _annex_title(title: str) -> str:
    """A manifest title without its own « Annexe 3 – » (the package numbers annexes itself)."""
    return re.sub(r"^\s*annexe\s+[0-9A-Za-z.]+\s*[–—:-]\s*", "", title, flags=re.I) or title


def plan_territory(
    root: Path,
    folder: Path,
    templates,
    *,
    draft: bool = False,
    description: Description | None = None,
) -> TerritoryPlan:
    """What goes into a territory's package, read from its description and its built documents.

    `description` is the territory's Description when the caller already loaded it (the build
    of the same command did): it is used as it is; without it, the territory is loaded here.

    Raises PackageError for a document that cannot go in (built document missing, external
    annex missing, not a PDF, damaged or protected by a password).
    """
    from generator.description.load import load_territory
    from generator.documents.build import _slug
    from generator.documents.context import build_context

    desc = description if description is not None else load_territory(root)
    context = build_context(desc.data)
    doc = context["doc"]
    epci = doc["epci"] or root.name
    heading = f"{doc['titre']} — {epci}"
    watermark = doc["statut"] != "final" or draft
    codes = "; ".join(q["code"] for q in context["territoire"]["qpv"] if q.get("code"))
    info = PackageInfo(
        title=heading,
        author=epci,
        subject=(
            f"{doc['titre']} ({doc['periode']}), ses annexes et les conventions d'utilisation de "
            f"l'abattement de TFPB — {doc['mention'].replace(NBSP, ' ')}"
        ),
        keywords="; ".join(
            k
            for k in ("contrat de ville", "politique de la ville", "Quartiers 2030", epci, codes)
            if k
        ),
        date=str(doc["date"] or ""),
        watermark=watermark,
        heading=heading,
        # plain spaces in the PDF metadata (the no-break ones are for the Word running header)
        mention=doc["mention"].replace(NBSP, " ")
        + (" — document de travail (description incomplète)" if draft else ""),
    )

    def built(name: str) -> Path:
        name = draft_name(name) if draft else name  # a draft package is made from the drafts
        path = folder / name
        if not path.is_file():
            raise PackageError(
                f"{name} introuvable dans {folder} : le document n'a pas été produit "
                "(relancez cdv produire pour voir pourquoi)"
            )
        return path

    documents = templates.documents
    main = next((d for d in documents if d.id == "contrat"), None)
    main = main or next(d for d in documents if not d.for_each)
    source = built(main.output)
    contract = Planned(Part("", doc["titre"], source=source.name), source)
    annexes: list[Planned] = []
    for document in documents:
        if document is main:
            continue
        if document.for_each == "tfpb":
            conventions = context["tfpb"]
            for i, convention in enumerate(conventions):
                name = document.output.format(bailleur=_slug(convention["bailleur"] or str(i)))
                code = convention.get("numero") or _annex_number(name) or document.id
                title = f"{_annex_title(document.title)} — {convention['bailleur_info'].get('nom')}"
                source = built(name)
                annexes.append(
                    Planned(Part(code, title, source=source.name), source, source.stem + ".pdf")
                )
        else:
            code = _annex_number(document.output) or document.id
            source = built(document.output)
            annexes.append(
                Planned(Part(code, _annex_title(document.title), source=source.name), source)
            )
    # in the order of their numbers: 2.1, 2.2…, 3 (the manifest lists the financial annex first)
    annexes.sort(key=lambda p: _code_order(p.part.code))
    for i, annex in enumerate(context["annexes"]):
        code = f"{EXTERNAL_SERIES}.{i + 1}"
        title = annex.get("titre") or f"Annexe {code}"
        part = Part(code, title)
        name = annex.get("fichier")
        if name:
            loc = desc.where(("annexes", i, "fichier"))
            where = f"{loc.file}:{loc.line}" if loc.line else loc.file
            label = f"l'annexe « {title} » (annexes[{i + 1}].fichier, {where})"
            part.pdf = read_external(root, name, label)
            part.source = label
        annexes.append(Planned(part))
    # a document embeds the description as the pilot wrote it (format 1 stays format 1)
    written = desc.source_data if desc.source_data is not None else desc.data
    for planned in [contract, *annexes]:
        if planned.docx is not None:
            _refuse_an_older_document(planned.docx, written)
    plan = TerritoryPlan(root.name, root, folder, info, contract, annexes, draft=draft)
    digest = hashlib.sha256(f"cdv {__version__}\0{PACKAGE_FORMAT}\0".encode())
    for value in (info.title, info.author, info.subject, info.keywords, info.date, info.mention):
        digest.update(value.encode() + b"\0")
    digest.update(b"filigrane\0" if watermark else b"\0")
    for planned in [contract, *annexes]:
        part = planned.part
        data = planned.docx.read_bytes() if planned.docx else part.pdf
        content = hashlib.sha256(data).hexdigest() if data is not None else "-"
        digest.update(f"{part.code}\0{part.title}\0{planned.standalone}\0{content}\0".encode())
    plan.digest = digest.hexdigest()
    return plan


def _version(data: dict | None) -> str:
    contract = (data or {}).get("contrat")
    return str(contract.get("version") or "") if isinstance(contract, dict) else ""


def _refuse_an_older_document(docx: Path, description: dict) -> None:
    """A package is never made of a Word document older than the description.

    Every generated document carries the description it was made from. A document that the
    build did not reproduce (it was edited by hand, so it is protected) may come from an older
    description: its pages would say one version and the PDF's metadata, taken from the
    description, another. Raises PackageError saying how to get out of it.
    """
    from generator.documents.write import read_embedded_description

    embedded = read_embedded_description(docx)
    beside = docx.with_name(f"{docx.stem}.nouveau{docx.suffix}")
    if embedded is None:  # its description part was lost in the edit: a new version waits?
        if not beside.is_file():
            return
    elif embedded == json.loads(json.dumps(description, ensure_ascii=False, sort_keys=True)):
        return
    old, new = _version(embedded), _version(description)
    if embedded is not None and old != new:
        what = (
            f"il vient de la version {old or '(sans numéro)'} de la description, qui est "
            f"maintenant en version {new or '(sans numéro)'} : le dossier mêlerait les deux "
            f"(« Version {old} » dans les pages, « {new} » dans les propriétés du PDF)"
        )
    else:
        what = (
            "la description a changé depuis sa production : le dossier mêlerait le document "
            "ancien et les informations nouvelles de la description"
        )
    keep = f' (version : "{old}")' if old and old != new else ""
    raise PackageError(
        f"{docx.name} a été modifié à la main, mais {what}. Aucun PDF n'est écrit pour ce "
        "territoire. Au choix : repartez de la description avec « cdv produire --remplacer » "
        f"(votre document est d'abord sauvegardé à côté ; la nouvelle version est déjà dans "
        f"{beside.name}), reportez-y vos retouches, puis relancez cdv pdf ; ou, pour signer le "
        "document retouché tel quel, remettez la description dans l'état d'où il vient"
        f"{keep}, puis relancez cdv pdf"
    )


def is_up_to_date(plan: TerritoryPlan) -> bool:
    """True when every PDF of the plan exists and was made from exactly these inputs."""
    return all(recorded_digest(plan.folder / n) == d for n, d in plan.outputs().items())


def assemble_territory(plan: TerritoryPlan, pdfs: dict[Path, bytes]) -> dict[str, bytes]:
    """The bytes of every file of a territory's package: the PDF package, each TFPB convention,
    and the Word contract with the page numbers of the PDF in its contents."""
    for planned in [plan.contract, *plan.annexes]:
        if planned.docx is not None:
            planned.part.pdf = pdfs[planned.docx]
            planned.part.docx = planned.docx
    outputs = plan.outputs()
    files = {
        plan.package_name: assemble(
            plan.contract.part, [p.part for p in plan.annexes], plan.info, plan.digest
        ),
        plan.paginated_name: with_page_numbers(
            plan.contract.docx.read_bytes(), plan.contract.part.pdf, outputs[plan.paginated_name]
        ),
    }
    for planned in plan.annexes:
        if planned.standalone:
            info = PackageInfo(
                title=f"{planned.part.bookmark} — {plan.info.author}",
                author=plan.info.author,
                subject=f"Annexe au {plan.info.heading} — {plan.info.mention}",
                keywords=plan.info.keywords,
                date=plan.info.date,
                watermark=plan.info.watermark,
            )
            files[planned.standalone] = single_document(
                planned.part, info, outputs[planned.standalone]
            )
    for planned in [plan.contract, *plan.annexes]:
        part = planned.part
        if part.removed:
            plan.notes.append(
                f"{part.source or part.bookmark} : contenu actif retiré du PDF "
                f"({', '.join(part.removed)}) ; le reste du document est joint tel quel"
            )
    return files
