"""Template sets: a folder of Word templates and its manifest (name, version, documents)."""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import yaml

from generator.description.paths import name_problem, relative_path_problem

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
DEFAULT_SET = "engagements-quartiers-2030"
MANIFEST = "manifest.yaml"
# A territory's own templates: `<territoire>/modeles/<nom du modèle>.docx` replaces that
# template of the set for this territory only; `<territoire>/modeles/parties/<partie>.docx`
# replaces one part of a template, between the paragraphs `{#p partie : <partie> #}` and
# `{#p fin partie : <partie> #}` (see docs/guide-modeles.md).
LOCAL_FOLDER = "modeles"
PARTS_FOLDER = "parties"
PART_START = re.compile(r"^\{#p\s+partie\s*:\s*([a-z0-9_-]+)\s*#\}$")
PART_END = re.compile(r"^\{#p\s+fin\s+partie\s*:\s*([a-z0-9_-]+)\s*#\}$")


class TemplateError(Exception):
    """A template set that cannot be used (French message)."""


@dataclass(frozen=True)
class TemplateDocument:
    id: str
    template: Path
    output: str
    title: str
    for_each: str | None = None


@dataclass
class TemplateSet:
    folder: Path
    name: str
    title: str
    version: str
    format: int
    documents: list[TemplateDocument] = field(default_factory=list)
    # documents made later in the life of the contract (`documents_revoyure` in the manifest:
    # the avenant, the TFPB avenant), rendered by their own command, never by `cdv produire`
    later_documents: list[TemplateDocument] = field(default_factory=list)
    # local overrides (see resolve_for_territory): document id -> file as the pilot names it
    overrides: dict[str, str] = field(default_factory=dict)
    ignored_overrides: list[str] = field(default_factory=list)
    parts: dict[str, Path] = field(default_factory=dict)  # local parts: name -> file
    # the documents of the annual follow-up (`documents_suivi` in the manifest), made by
    # `cdv bilan` from a year's follow-up, not by `cdv produire`
    followup: list[TemplateDocument] = field(default_factory=list)

    def origin(self, doc: TemplateDocument) -> str:
        """Where a document's template comes from, in French (recorded in the document)."""
        if doc.id in self.overrides:
            return f"surcharge locale : {self.overrides[doc.id]}"
        if self.folder.resolve() == (TEMPLATES_DIR / DEFAULT_SET).resolve():
            return "jeu IREV"
        return f"jeu de modèles {self.name}"

    def local_files(self) -> dict[str, str]:
        """The territory's own templates and parts, as recorded in the build manifest."""
        files = dict(sorted(self.overrides.items()))
        for name, path in sorted(self.parts.items()):
            files[f"partie {name}"] = f"{LOCAL_FOLDER}/{PARTS_FOLDER}/{path.name}"
        return files

    @cached_property
    def fingerprint(self) -> str:
        """Hash of the manifest and every template file: a change rebuilds what uses them."""
        digest = hashlib.sha256()
        for path in [self.folder / MANIFEST] + [d.template for d in self.documents]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        for name, path in sorted(self.parts.items()):
            digest.update(f"partie {name}".encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()


def load_template_set(folder: Path | None = None) -> TemplateSet:
    folder = folder or TEMPLATES_DIR / DEFAULT_SET
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise TemplateError(f"manifeste de modèles introuvable : {manifest}")
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        from generator.description.yaml_reader import syntax_reason

        raise TemplateError(
            f"manifeste de modèles illisible : {manifest}, {syntax_reason(exc)}"
        ) from None
    except UnicodeDecodeError:
        raise TemplateError(
            f"manifeste de modèles illisible : {manifest} n'est pas encodé en UTF-8 ; "
            "enregistrez-le en UTF-8"
        ) from None
    if not isinstance(data, dict):
        raise TemplateError(f"manifeste de modèles vide ou mal formé : {manifest}")
    try:
        documents = [
            TemplateDocument(
                id=str(doc["id"]),
                template=folder / doc["modele"],
                output=str(doc["sortie"]),
                title=str(doc.get("titre") or doc["id"]),
                for_each=doc.get("pour_chaque"),
            )
            for doc in data["documents"]
        ]
        followup = [
            TemplateDocument(
                id=str(doc["id"]),
                template=folder / doc["modele"],
                output=str(doc["sortie"]),
                title=str(doc.get("titre") or doc["id"]),
                for_each=f"suivi-{doc['pour_chaque']}" if doc.get("pour_chaque") else "suivi",
            )
            for doc in data.get("documents_suivi") or []
        ]
        result = TemplateSet(
            folder=folder,
            name=str(data["nom"]),
            title=str(data.get("titre") or data["nom"]),
            version=str(data["version"]),
            format=int(data.get("format_description", 1)),
            documents=documents,
            followup=followup,
            later_documents=[
                TemplateDocument(
                    id=str(doc["id"]),
                    template=folder / doc["modele"],
                    output=str(doc["sortie"]),
                    title=str(doc.get("titre") or doc["id"]),
                    for_each=str(doc.get("pour_chaque") or "avenant"),
                )
                for doc in data.get("documents_revoyure") or []
            ],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TemplateError(
            f"manifeste de modèles incomplet ({manifest}) : champ {exc} manquant ou invalide"
        ) from exc
    declared = list(zip(data["documents"], documents, strict=True))
    declared += zip(data.get("documents_suivi") or [], followup, strict=True)
    declared += zip(data.get("documents_revoyure") or [], result.later_documents, strict=True)
    for raw, doc in declared:
        # what a template set names stays in its place: its own folder, the output folder
        problem = relative_path_problem(str(raw["modele"]))
        output_problem = name_problem(
            doc.output.replace("{bailleur}", "bailleur")
            .replace("{annee}", "2025")
            .replace("{numero}", "1")
        )
        if problem or output_problem:
            key, value = ("modele", raw["modele"]) if problem else ("sortie", doc.output)
            raise TemplateError(
                f"manifeste de modèles refusé ({manifest}) : {key} « {value} » du document "
                f"{doc.id} : {problem or output_problem} ; un modèle est un fichier du dossier "
                "du jeu, une sortie un simple nom de fichier"
            )
    for doc in documents + followup + result.later_documents:
        if not doc.template.is_file():
            raise TemplateError(f"modèle introuvable : {doc.template} (déclaré dans {manifest})")
    return result


def resolve_for_territory(template_set: TemplateSet, territory_root: Path) -> TemplateSet:
    """The set as a territory uses it: its `modeles/<nom>.docx` files replace those templates.

    A file whose name is not a template of the set replaces nothing; it is listed in
    `ignored_overrides`. Word's lock files (`~$contrat.docx`) are skipped.
    """
    folder = territory_root / LOCAL_FOLDER
    if not folder.is_dir():
        return template_set
    names = {doc.template.name for doc in template_set.documents}
    local = _word_files(folder)
    parts = {path.stem: path for path in _word_files(folder / PARTS_FOLDER).values()}
    if not local and not parts:
        return template_set
    documents, overrides = [], dict(template_set.overrides)
    for doc in template_set.documents:
        path = local.get(doc.template.name)
        if path is not None:
            documents.append(replace(doc, template=path))
            overrides[doc.id] = f"{LOCAL_FOLDER}/{path.name}"
        else:
            documents.append(doc)
    return replace(
        template_set,
        documents=documents,
        overrides=overrides,
        ignored_overrides=[f"{LOCAL_FOLDER}/{n}" for n in sorted(local) if n not in names],
        parts={**template_set.parts, **parts},
    )


def _word_files(folder: Path) -> dict[str, Path]:
    """The .docx files of a folder, without Word's lock files (`~$contrat.docx`)."""
    if not folder.is_dir():
        return {}
    return {
        path.name: path
        for path in sorted(folder.glob("*.docx"))
        if path.is_file() and not path.name.startswith("~$")
    }


# --------------------------------------------------------------------------- local parts

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _paragraph_text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{_W}t")).strip()


def declared_parts(template: Path) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """The parts a template declares: name -> (start, end) indexes among the body's children.

    Also returns the problems of its markers (French): a start without end, an end without
    start, a part declared twice, markers inside a table.
    """
    from lxml import etree

    from generator.documents.limits import check_package

    check_package(template, template.name)
    with zipfile.ZipFile(template) as package:
        body = etree.fromstring(package.read("word/document.xml")).find(f"{_W}body")
    found: dict[str, tuple[int, int]] = {}
    problems: list[str] = []
    open_parts: dict[str, int] = {}
    children = list(body)
    for index, child in enumerate(children):
        for p in child.iter(f"{_W}p"):
            text = _paragraph_text(p)
            start, end = PART_START.match(text), PART_END.match(text)
            if not (start or end):
                continue
            name = (start or end).group(1)
            if p is not child:
                problems.append(
                    f"repère de la partie « {name} » dans un tableau : placez-le hors tableau"
                )
            elif start and (name in open_parts or name in found):
                problems.append(f"partie « {name} » déclarée deux fois")
            elif start:
                open_parts[name] = index
            elif name not in open_parts:
                problems.append(
                    f"fin de la partie « {name} » sans son début « {{#p partie : {name} #}} »"
                )
            else:
                found[name] = (open_parts.pop(name), index)
    for name in open_parts:
        problems.append(f"partie « {name} » sans sa fin « {{#p fin partie : {name} #}} »")
    return found, problems


def apply_parts(
    template: Path, parts: dict[str, Path]
) -> tuple[bytes | None, list[str], list[str]]:
    """The template with local parts in place of its own: (bytes or None, parts used, problems).

    A part brings paragraphs and tables only: the part's own images, links, notes and
    comments would point nowhere in the template, so a part that has any is refused.
    """
    from lxml import etree

    from generator.documents.limits import check_package

    declared, problems = declared_parts(template)
    used = sorted(name for name in parts if name in declared)
    if not used:
        return None, [], []
    if problems:
        return None, [], problems
    with zipfile.ZipFile(template) as package:
        entries = {info.filename: package.read(info.filename) for info in package.infolist()}
    root = etree.fromstring(entries["word/document.xml"])
    body = root.find(f"{_W}body")
    children = list(body)
    for name in sorted(used, key=lambda n: declared[n][0], reverse=True):
        start, end = declared[name]
        check_package(parts[name], parts[name].name)
        with zipfile.ZipFile(parts[name]) as package:
            part_body = etree.fromstring(package.read("word/document.xml")).find(f"{_W}body")
        content = [c for c in part_body if c.tag != f"{_W}sectPr"]
        linked = [
            a for c in content for el in c.iter() for a in el.attrib if a.startswith(f"{{{_R}}}")
        ]
        if linked:
            problems.append(
                f"la partie locale « {name} » contient une image, un lien, une note ou un "
                "commentaire : une partie ne peut apporter que du texte et des tableaux"
            )
            continue
        for child in children[start + 1 : end]:
            body.remove(child)
        anchor = children[end]
        for element in content:
            anchor.addprevious(element)
    if problems:
        return None, [], problems
    entries["word/document.xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            # a fixed date: the same template and parts give the same bytes, so the cached
            # copy (named by their hash) is reused by every build instead of piling up
            target.writestr(
                zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue(), used, []


def prepare_template(template_set: TemplateSet, doc: TemplateDocument) -> tuple[Path, str]:
    """The template file to render for `doc`, with the territory's local parts in place, and
    where it comes from (French). A template with local parts is written to a cache folder,
    under its own name, so that messages still name it."""
    origin = template_set.origin(doc)
    if not template_set.parts:
        return doc.template, origin
    from generator.documents.limits import TemplateLimitError
    from generator.documents.render import RenderError

    try:
        data, used, problems = apply_parts(doc.template, template_set.parts)
    except TemplateLimitError as exc:
        raise RenderError(str(exc), limit=True) from None
    if problems:
        raise RenderError(f"modèle {doc.template.name} : " + " ; ".join(problems))
    if data is None:
        return doc.template, origin
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "cdv-modeles" / digest / doc.template.name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
    local = ", ".join(f"{LOCAL_FOLDER}/{PARTS_FOLDER}/{template_set.parts[n].name}" for n in used)
    return target, f"{origin} ; parties locales : {local}"
