"""Build territories: what to (re)build, rendering, the manifest, protection of hand edits.

A territory's output folder holds a `manifeste.json`: the hash of the inputs (description
files, template set, toolkit version, draft flag) and the hash of every document written.
- nothing changed: nothing is read beyond the inputs' bytes, nothing is written;
- a document whose bytes differ from the manifest was edited by hand: it is never overwritten;
  the new version is written beside it (`….nouveau.docx`), or, with `force`, the edited file is
  kept as `….sauvegarde-N.docx` before the new one takes its place;
- every write is atomic (temporary file, then rename);
- the manifest names plain file names of its folder only (its `documents`, and under
  `signature` the PDFs of `cdv pdf`); a manifest naming anything else (`../x`, an absolute
  path) is refused with a French message and nothing is deleted or written;
- two documents never share a file name (whatever the case): the build fails instead.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.description.load import Description, description_files
from generator.description.paths import name_problem, output_slug
from generator.description.problems import Problem
from generator.documents.batch import (  # noqa: F401 (_ignore_interrupts re-exported)
    ProblemCounts,
    _ignore_interrupts,
    document_properties,
    hash_files,
    run_territories,
    write_failure,
)
from generator.documents.folder_lock import folder_lock
from generator.documents.hand_edits import (  # noqa: F401 (statuses re-exported)
    KEPT,
    PROTECTED,
    REMOVED,
    REPLACED,
    UNCHANGED,
    WRITTEN,
    DocumentOutcome,
    _file_sha,
    _sha,
    draft_name,
    remove_drafts,
    waiting_note,
    write_outputs,
)
from generator.documents.manifest import (
    MANIFEST_FORMAT,
    ManifestError,
    read_manifest,
    write_manifest,
)
from generator.documents.templates import TemplateSet, prepare_template, resolve_for_territory

# The manifest's two lists of documents: the real ones, and the drafts written beside them.
DOCUMENTS, DRAFTS = "documents", "brouillons"

# Statuses of a territory
BUILT, UP_TO_DATE, NOT_BUILT, FAILED = "construit", "à jour", "non construit", "échec"


@dataclass
class BuildResult(ProblemCounts):
    territory: str
    root: Path
    status: str
    documents: list[DocumentOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    message: str = ""
    draft: bool = False
    seconds: float = 0.0
    # The description this build loaded and validated, kept for the next steps of the command
    # (`cdv pdf` plans the package from it instead of loading the territory again); None when
    # nothing was loaded (up to date) or when build_many was not asked to keep it.
    description: Description | None = None


def input_files(root: Path) -> list[Path]:
    sections, items = description_files(root)
    return sections + [p for paths in items.values() for p in paths]


def inputs_hash(root: Path, templates: TemplateSet, draft: bool) -> str:
    templates = resolve_for_territory(templates, root)  # a local template is an input too
    digest = hashlib.sha256()
    digest.update(f"cdv {__version__}\0{templates.fingerprint}\0{draft}\0".encode())
    hash_files(digest, root, input_files(root))
    return digest.hexdigest()


def documents_section(manifest: dict) -> str:
    """The manifest's list of the documents of its last build: the real ones, or the drafts."""
    return DRAFTS if manifest.get("brouillon") else DOCUMENTS


def _problems_entry(problems: list[Problem], root: Path) -> list[dict]:
    """The problems of a build, as the manifest keeps them (files relative to the territory)."""
    entries = []
    for p in problems:
        file = Path(p.file)
        if file.is_relative_to(root):
            file = file.relative_to(root)
        entries.append(
            {
                "gravite": p.severity,
                "message": p.message,
                "fichier": file.as_posix() if p.file else "",
                "ligne": p.line,
                "colonne": p.column,
                "chemin": list(p.path),
            }
        )
    return entries


def _problems_from(entries, root: Path) -> list[Problem]:
    problems = []
    for e in entries if isinstance(entries, list) else []:
        try:
            file = str(root / e["fichier"]) if e["fichier"] else ""
            path = tuple(e["chemin"])
            problems.append(
                Problem(e["gravite"], e["message"], file, e["ligne"], e["colonne"], path)
            )
        except (KeyError, TypeError):
            continue  # a manifest from an earlier version: its problems are not shown again
    return problems


def up_to_date_result(
    root: Path, output: Path, templates: TemplateSet, draft: bool
) -> BuildResult | None:
    """The result of a build with nothing to do, or None when something must be rebuilt.

    Up to date: the last build used exactly these inputs (description files, template set
    with the territory's own templates, toolkit version, draft flag) and its documents are
    all there. Only the inputs' bytes and the manifest are read: the problems of the
    description and the hand-edited documents whose new version waits come from the manifest.
    """
    start = time.perf_counter()
    templates = resolve_for_territory(templates, root)
    folder = output / root.name
    try:
        previous = read_manifest(folder)
    except ManifestError:
        return None  # the build says why
    documents = previous.get(documents_section(previous), {})
    if previous.get("empreinte") != inputs_hash(root, templates, draft) or not all(
        (folder / name).is_file() for name in documents
    ):
        return None
    outcomes = []
    for name in sorted(documents):
        beside = Path(name).stem + ".nouveau" + Path(name).suffix
        if documents[name].get("protege") and (folder / beside).is_file():
            outcomes.append(DocumentOutcome(name, PROTECTED, waiting_note(beside)))
        else:
            outcomes.append(DocumentOutcome(name, UNCHANGED))
    return BuildResult(
        territory=root.name,
        root=root,
        status=UP_TO_DATE,
        documents=outcomes,
        problems=_problems_from(previous.get("problemes"), root),
        draft=bool(previous.get("brouillon")),
        seconds=time.perf_counter() - start,
    )


_slug = output_slug  # the name of a document made for each item (a TFPB convention)


def render_documents(
    desc, templates: TemplateSet, draft_warnings: list[str], digest: str
) -> dict[str, tuple[bytes, str]]:
    """Output name -> (deterministic bytes, template file name), for every document of the set."""
    from generator.documents.context import build_context, convention_context
    from generator.documents.render import RenderError, clean, document_bytes, render_template
    from generator.documents.write import deterministic_docx

    context = build_context(
        desc.data,
        declared_scope=desc.format1_line_operations,
        draft=bool(draft_warnings),
        tool={
            "version": __version__,
            "modele": templates.name,
            "modele_version": templates.version,
        },
    )
    from generator.documents.glossary import glossary_entries, template_text, used_glossary

    context["glossaire"] = used_glossary(
        glossary_entries(templates.folder),
        desc.data,
        template_text(d.template for d in templates.documents if d.template.is_file()),
    )
    epci = clean(context["doc"]["epci"] or desc.name)
    date = context["doc"]["date"] or ""
    outputs: dict[str, tuple[bytes, str]] = {}
    taken: dict[str, str] = {}  # case-folded output name -> what it was made for
    for doc in templates.documents:
        if doc.for_each == "tfpb":
            jobs = [
                (
                    doc.output.format(bailleur=_slug(conv["bailleur"] or str(i))),
                    convention_context(context, i),
                    f"{doc.title} — {conv['bailleur_info'].get('nom')}",
                )
                for i, conv in enumerate(context["tfpb"])
            ]
        else:
            jobs = [(doc.output, context, doc.title)]
        for name, _, title in jobs:  # one file each, on Windows too (names ignore the case)
            problem = name_problem(name)
            if problem:
                raise RenderError(f"nom de document refusé : « {name} » ({title}) : {problem}")
            if name.casefold() in taken:
                raise RenderError(
                    f"deux documents auraient le même nom « {name} » : {taken[name.casefold()]} "
                    f"et {title} ; donnez-leur des identifiants qui diffèrent par une lettre ou "
                    "un chiffre (tirets, soulignés et majuscules ne comptent pas)"
                )
            taken[name.casefold()] = title
        template, origin = prepare_template(templates, doc)  # with the territory's own parts
        for name, ctx, title in jobs:
            document = render_template(template, ctx, draft_warnings)
            data = deterministic_docx(
                document_bytes(document),
                date=date,
                **document_properties(
                    title=title,
                    author=epci,
                    subject="Contrat de ville Engagements Quartiers 2030 "
                    f"({context['doc']['periode']})",
                    keywords="contrat de ville; politique de la ville; Quartiers 2030",
                    templates=templates,
                    template_file=doc.template.name,
                    digest=digest,
                    origin=origin,
                    cdv_statut=context["doc"]["statut"]
                    + (" (brouillon)" if draft_warnings else ""),
                ),
                # what the pilot wrote (format 1 stays format 1), for `cdv comparer` against it
                description=desc.source_data if desc.source_data is not None else desc.data,
            )
            outputs[name] = (data, doc.template.name)
    return outputs


def build_territory(
    root: Path, output: Path, templates: TemplateSet, *, force: bool = False, draft: bool = False
) -> BuildResult:
    """Validate, render and write one territory. Never raises for a pilot's mistake."""
    if not force:
        done = up_to_date_result(root, output, templates, draft)
        if done is not None:
            return done
    with folder_lock(output / root.name):  # a concurrent build into this folder waits
        return _build_locked(root, output, templates, force, draft)


def _build_locked(
    root: Path, output: Path, templates: TemplateSet, force: bool, draft: bool
) -> BuildResult:
    from generator.description.validate import Target, validate_target
    from generator.documents.render import RenderError

    start = time.perf_counter()
    templates = resolve_for_territory(templates, root)
    result = BuildResult(territory=root.name, root=root, status=NOT_BUILT)
    folder = output / root.name
    digest = inputs_hash(root, templates, draft)
    try:
        previous = read_manifest(folder)
    except ManifestError as exc:
        result.status, result.message = FAILED, str(exc)
        result.seconds = time.perf_counter() - start
        return result
    validation = validate_target(Target(root))
    result.problems = validation.problems
    result.description = validation.description
    warnings: list[str] = []
    if validation.errors:
        if not draft:
            result.message = (
                "non construit : la description comporte des erreurs (--brouillon pour produire "
                "un document de travail, écrit à côté : contrat-de-ville.brouillon.docx…)"
            )
            result.seconds = time.perf_counter() - start
            return result
        warnings = [p.format(base=root) for p in validation.errors]
        result.draft = True
    try:
        outputs = render_documents(validation.description, templates, warnings, digest)
    except RenderError as exc:
        result.status = FAILED
        result.message = str(exc)
        result.seconds = time.perf_counter() - start
        return result
    except (ValueError, TypeError, AttributeError, LookupError):
        if not warnings:
            raise  # a valid description never gets here: a defect of the tool, not the pilot's
        # a draft lays out a description that failed validation: a value of the wrong shape
        # (a date « 15/03/2024 », a list where an identifier is expected) can stop the layout
        result.status = FAILED
        result.message = (
            "le brouillon n'a pas pu être mis en page : une valeur erronée l'en empêche ; "
            "corrigez d'abord les erreurs ci-dessus, en commençant par : "
            f"{validation.errors[0].format(base=root)}"
        )
        result.seconds = time.perf_counter() - start
        return result
    if warnings:  # a draft never takes the place of a real document
        outputs = {draft_name(name): value for name, value in outputs.items()}
    section = DRAFTS if warnings else DOCUMENTS
    manifest = {
        "format": MANIFEST_FORMAT,
        "outil": __version__,
        "modele": templates.name,
        "modele_version": templates.version,
        "modeles_locaux": templates.local_files(),
        "empreinte": None,  # set once every document is written
        "brouillon": bool(warnings),
        "problemes": _problems_entry(result.problems, root),
        DOCUMENTS: dict(previous.get(DOCUMENTS, {})),
        DRAFTS: dict(previous.get(DRAFTS, {})),
        "signature": dict(previous.get("signature", {})),  # the PDFs of `cdv pdf`
        "signature_brouillons": dict(previous.get("signature_brouillons", {})),
    }

    def progress(entries: dict) -> None:
        write_manifest(folder, {**manifest, section: {**manifest[section], **entries}})

    try:
        folder.mkdir(parents=True, exist_ok=True)
        recorded = {"documents": previous.get(section, {})}
        outcomes, entries = write_outputs(folder, outputs, recorded, force, progress)
        if not warnings:
            outcomes += remove_drafts(folder, previous.get(DRAFTS, {}))
        _note_local_templates(outcomes, outputs, templates)
        final = {**manifest, "empreinte": digest, section: entries}
        if not warnings:
            final[DRAFTS] = {}
        write_manifest(folder, final)
    except OSError as exc:
        result.status = FAILED
        result.message = write_failure(exc, folder)
        result.seconds = time.perf_counter() - start
        return result
    result.documents = outcomes
    # rebuilt (--remplacer) to the same bytes: nothing was written, the documents are up to date
    changed = any(o.status in (WRITTEN, REPLACED, REMOVED, PROTECTED) for o in outcomes)
    result.status = BUILT if changed else UP_TO_DATE
    result.seconds = time.perf_counter() - start
    return result


def _note_local_templates(
    outcomes: list[DocumentOutcome], outputs: dict, templates: TemplateSet
) -> None:
    """The build summary says which documents came from a territory's own template or parts."""
    local = {}
    for doc in templates.documents:
        origin = prepare_template(templates, doc)[1]
        if origin != templates.origin(doc) or doc.id in templates.overrides:
            local[doc.template.name] = origin
    for outcome in outcomes:
        origin = local.get(outputs.get(outcome.name, (b"", ""))[1])
        if origin:
            outcome.note = " ; ".join(n for n in (outcome.note, f"modèle : {origin}") if n)


def _kept(result: BuildResult, keep_description: bool) -> BuildResult:
    if not keep_description:
        result.description = None
    return result


def _build_one(args) -> BuildResult:
    root, output, templates_folder, force, draft, keep_description = args
    from generator.documents.templates import load_template_set

    result = build_territory(
        root, output, load_template_set(templates_folder), force=force, draft=draft
    )
    return _kept(result, keep_description)  # what is kept travels back to the parent (pickled)


def build_many(
    roots: list[Path],
    output: Path,
    templates: TemplateSet,
    *,
    jobs: int = 1,
    force: bool = False,
    draft: bool = False,
    on_result=None,
    keep_descriptions: bool = False,
) -> list[BuildResult]:
    """Build several territories; up-to-date ones are settled here, the rest by `jobs` workers.

    With `keep_descriptions`, the result of each territory built carries the description it
    loaded (`BuildResult.description`, sent back from the workers), so that the command does
    not load it again.
    """
    return run_territories(
        roots,
        settled=lambda root: None if force else up_to_date_result(root, output, templates, draft),
        build=lambda root: _kept(
            build_territory(root, output, templates, force=force, draft=draft), keep_descriptions
        ),
        worker=_build_one,
        worker_args=lambda root: (root, output, templates.folder, force, draft, keep_descriptions),
        jobs=jobs,
        on_result=on_result,
    )
