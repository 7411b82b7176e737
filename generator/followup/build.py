"""Render and write a year's follow-up documents: the same machinery as the contract.

The documents are rendered by `generator.documents.render` (sandboxed, strict, escaped), made
deterministic by `generator.documents.write`, and written by `generator.documents.build`'s
`write_outputs` (hand edits protected, `.nouveau` beside, `--force` with a backup) with its
manifest, in `<sortie>/<territoire>/suivi-<année>/`. Nothing changed since the last run: nothing
is read beyond the inputs' bytes, nothing is written.
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.description.paths import output_slug
from generator.description.problems import Problem
from generator.documents.batch import (
    ProblemCounts,
    document_properties,
    hash_files,
    run_territories,
    write_failure,
)
from generator.documents.build import (
    BUILT,
    FAILED,
    NOT_BUILT,
    UNCHANGED,
    UP_TO_DATE,
    DocumentOutcome,
    input_files,
    write_outputs,
)
from generator.documents.folder_lock import folder_lock
from generator.documents.manifest import ManifestError, read_manifest, write_manifest
from generator.documents.marks import CHART_MARK
from generator.documents.templates import TemplateSet, resolve_for_territory
from generator.followup import load as followup_load

WORKBOOK = "tableaux-suivi-{annee}.xlsx"
ROLL_UP = "ensemble-des-bailleurs"
CHART_WIDTH_CM = 16


@dataclass
class BilanResult(ProblemCounts):
    territory: str
    root: Path
    year: int
    status: str
    documents: list[DocumentOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0


def output_folder(output: Path, root: Path, year: int) -> Path:
    return output / root.name / f"suivi-{year}"


def _fingerprint(templates: TemplateSet) -> str:
    digest = hashlib.sha256()
    for path in [templates.folder / "manifest.yaml"] + [d.template for d in templates.followup]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def inputs_hash(root: Path, year: int, templates: TemplateSet) -> str:
    """Description files, this year's and earlier years' follow-up files, templates, version."""
    digest = hashlib.sha256()
    digest.update(f"cdv {__version__}\0{_fingerprint(templates)}\0{year}\0".encode())
    files = list(input_files(root))
    for past in followup_load.followup_years(root):
        if past <= year:
            files += followup_load.input_files(root, past)
    hash_files(digest, root, files)
    return digest.hexdigest()


def chart_mark(name: str):
    from markupsafe import Markup

    return Markup(f"{CHART_MARK}{name}{CHART_MARK}")


def document_contexts(context: dict, documents: list, epci: str) -> list[tuple]:
    """(template document, output name, context, title) of every document of the year."""
    year = context["annee"]
    charts = {"trajectoires": chart_mark("trajectoires"), "credits": chart_mark("credits")}
    jobs = []
    for doc in documents:
        base = dict(context, graphiques=dict(charts))
        if doc.for_each == "suivi-bailleur":
            rows = [(r["id"], r, False) for r in context["tfpb"] if r["bilan"]]
            if len(rows) > 1 or (rows and len(context["tfpb"]) > 1):
                total = dict(
                    context["tfpb_total"],
                    id=ROLL_UP,
                    nom="l'ensemble des bailleurs",
                    actions=[],
                    ecart_explique=None,
                    bilan=True,
                )
                rows.append((ROLL_UP, total, True))
            for landlord, row, roll_up in rows:
                ctx = dict(
                    base,
                    bailleur=row,
                    consolidation=roll_up,
                    graphiques=dict(charts, tfpb=chart_mark(f"tfpb:{landlord}")),
                )
                title = f"{doc.title} {year} — {row['nom']}"
                ctx["doc"] = _doc(epci, title, context["periode"])
                name = doc.output.format(bailleur=output_slug(landlord), annee=year)
                jobs.append((doc, name, ctx, title))
            continue
        title = f"{doc.title} {year}"
        base["doc"] = _doc(epci, title, context["periode"])
        jobs.append((doc, doc.output.format(annee=year), base, title))
    return jobs


def _doc(epci: str, title: str, period: str) -> dict:
    """What the header and footer of the set read (`doc.epci`, `doc.mention`, `doc.periode`)."""
    return {"epci": epci, "titre": title, "mention": title, "periode": period, "date_mention": ""}


def chart_images(context: dict) -> dict[str, bytes | None]:
    from generator.followup import charts

    images = {
        "trajectoires": charts.trajectories_png(context["indicateurs"], context["annee"]),
        "credits": charts.money_png(context["financement_orientations"]),
    }
    return images


def place_charts(document, images: dict[str, bytes | None]) -> None:
    """Replace each chart mark's paragraph with its image (or a note when it has no data)."""
    from docx.shared import Cm

    for paragraph in _paragraphs(document):
        text = paragraph.text
        if CHART_MARK not in text:
            continue
        name = text.split(CHART_MARK)[1]
        for run in paragraph.runs[1:]:
            run._r.getparent().remove(run._r)
        run = paragraph.runs[0]
        run.text = ""
        png = images.get(name)
        if png is None:
            run.text = "(pas de données pour cette figure)"
        else:
            run.add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH_CM))


def _paragraphs(document):
    """Every paragraph of the body, those of tables (nested ones too: documents.kept_rows)."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    for paragraph in list(document.element.body.iter(qn("w:p"))):
        yield Paragraph(paragraph, document)


def render_followup(desc, followup, history, templates: TemplateSet, digest: str):
    """Output name -> (deterministic bytes, template file name), for every document of the
    year and the workbook."""
    from generator.documents.render import clean, document_bytes, render_template
    from generator.documents.write import deterministic_docx
    from generator.followup.context import followup_context
    from generator.followup.tables import tables
    from generator.followup.workbook import workbook_bytes

    context = followup_context(desc.data, followup.data, followup.year, history, followup.opinions)
    epci = clean(context["epci"]["nom"] or desc.name)
    year = followup.year
    date = _date(followup.data, year)
    images = chart_images(context)
    outputs: dict[str, tuple[bytes, str]] = {}
    for doc, name, ctx, title in document_contexts(context, templates.followup, epci):
        document = render_template(doc.template, ctx)
        place_charts(document, images)
        data = deterministic_docx(
            document_bytes(document),
            date=date,
            **document_properties(
                title=title,
                author=epci,
                subject=f"Contrat de ville Engagements Quartiers 2030 — suivi {year}",
                keywords="contrat de ville; politique de la ville; suivi annuel",
                templates=templates,
                template_file=doc.template.name,
                digest=digest,
                cdv_suivi_annee=str(year),
            ),
        )
        outputs[name] = (data, doc.template.name)
    name = WORKBOOK.format(annee=year)
    outputs[name] = (
        workbook_bytes(tables(context), title=f"Suivi {year} — {epci}"),
        "(classeur)",
    )
    return outputs


def _date(data: dict, year: int) -> str:
    """The documents' date: the latest date of the follow-up, else the end of the year."""
    dates = []

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif (
            isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[:4].isdigit()
        ):
            dates.append(value)

    walk(data)
    return max(dates) if dates else f"{year}-12-31"


def up_to_date(root: Path, year: int, output: Path, templates: TemplateSet) -> BilanResult | None:
    start = time.perf_counter()
    folder = output_folder(output, root, year)
    try:
        previous = read_manifest(folder)
    except ManifestError:
        return None  # the build says why
    documents = previous.get("documents", {})
    if previous.get("empreinte") != inputs_hash(root, year, templates) or not all(
        (folder / n).is_file() for n in documents
    ):
        return None
    return BilanResult(
        root.name,
        root,
        year,
        UP_TO_DATE,
        [DocumentOutcome(n, UNCHANGED) for n in sorted(documents)],
        seconds=time.perf_counter() - start,
    )


def build_followup(
    root: Path, year: int, output: Path, templates: TemplateSet, *, force: bool = False
) -> BilanResult:
    """Validate the description and the year's follow-up, render and write. Never raises for a
    pilot's mistake."""
    from generator.description.validate import Target, validate_target
    from generator.documents.render import RenderError
    from generator.followup.rules import followup_problems

    templates = resolve_for_territory(templates, root)
    if not force:
        done = up_to_date(root, year, output, templates)
        if done is not None:
            return done
    start = time.perf_counter()
    result = BilanResult(root.name, root, year, NOT_BUILT)
    validation = validate_target(Target(root))
    followup = followup_load.load_followup(root, year)
    result.problems = validation.problems + followup_problems(followup, validation.description.data)
    if result.errors:
        result.message = (
            "non produit : la description ou le suivi comporte des erreurs (corrigez-les, puis "
            "relancez)"
        )
        result.seconds = time.perf_counter() - start
        return result
    history = {
        y: followup_load.load_followup(root, y).data
        for y in followup_load.followup_years(root)
        if y < year
    }
    digest = inputs_hash(root, year, templates)
    folder = output_folder(output, root, year)
    try:
        outputs = render_followup(validation.description, followup, history, templates, digest)
    except RenderError as exc:
        result.status, result.message = FAILED, str(exc)
        result.seconds = time.perf_counter() - start
        return result
    with folder_lock(folder):  # a concurrent `cdv bilan` into this folder waits
        return _write_followup(result, folder, outputs, templates, year, digest, force, start)


def _write_followup(
    result: BilanResult,
    folder: Path,
    outputs: dict,
    templates: TemplateSet,
    year: int,
    digest: str,
    force: bool,
    start: float,
) -> BilanResult:
    try:
        previous = read_manifest(folder)
    except ManifestError as exc:
        result.status, result.message = FAILED, str(exc)
        result.seconds = time.perf_counter() - start
        return result
    manifest = {
        "format": 1,
        "outil": __version__,
        "modele": templates.name,
        "modele_version": templates.version,
        "annee": year,
        "empreinte": None,
        "documents": dict(previous.get("documents", {})),
    }

    def progress(entries: dict) -> None:
        write_manifest(folder, {**manifest, "documents": {**manifest["documents"], **entries}})

    try:
        folder.mkdir(parents=True, exist_ok=True)
        outcomes, entries = write_outputs(folder, outputs, previous, force, progress)
        write_manifest(folder, {**manifest, "empreinte": digest, "documents": entries})
    except OSError as exc:
        result.status = FAILED
        result.message = write_failure(exc, folder, "Word ou Excel")
        result.seconds = time.perf_counter() - start
        return result
    result.documents = outcomes
    result.status = BUILT
    result.seconds = time.perf_counter() - start
    return result


def _one(args) -> BilanResult:
    root, year, output, folder, force = args
    from generator.documents.templates import load_template_set

    return build_followup(root, year, output, load_template_set(folder), force=force)


def build_followup_many(
    roots: list[Path],
    year: int,
    output: Path,
    templates: TemplateSet,
    *,
    jobs: int = 1,
    force: bool = False,
    on_result=None,
) -> list[BilanResult]:
    return run_territories(
        roots,
        settled=lambda root: (
            None
            if force
            else up_to_date(root, year, output, resolve_for_territory(templates, root))
        ),
        build=lambda root: build_followup(root, year, output, templates, force=force),
        worker=_one,
        worker_args=lambda root: (root, year, output, templates.folder, force),
        jobs=jobs,
        on_result=on_result,
    )
