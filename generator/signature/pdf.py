"""The pdf step: Word documents to PDF with LibreOffice, then each territory's signature package.

Conversion (`convert_to_pdf`):
- one `soffice --convert-to pdf` call converts every document of the batch, all territories
  together: LibreOffice starts once (its start-up costs more than converting a contract);
- a private, temporary user profile (`-env:UserInstallation`): the conversion works while the
  user has LibreOffice open (otherwise the job would be handed to the running instance), and
  the export uses LibreOffice's default settings, whatever the user changed in theirs;
- the page numbers of the table of contents are PAGEREF fields (see docx_post.build_toc):
  LibreOffice computes them, like the other fields, when it lays the document out for export;
- a timeout: on expiry the whole process group is killed (soffice is a launcher that starts
  soffice.bin) and nothing from the batch is used;
- the inputs are copied under short numbered names into the temporary folder: documents of
  different territories share names (contrat-de-ville.docx) and --outdir would mix them up.

Packages (`make_packages`): build the Word documents as `cdv produire` does, plan each territory's
package (package.plan_territory, from the description the build loaded: each territory is loaded
once; external annexes are checked before anything is converted),
convert what is not up to date in one batch, assemble (assembly.py) and write atomically
(outputs.py: only the PDFs the manifest lists by name and hash are ever deleted). A territory
with any problem gets no new file at all.
"""

from __future__ import annotations

import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.description.file_text import os_reason
from generator.signature.processes import _batches, _messages, _run

# Environment variable naming the LibreOffice program, when it is not found on its own.
SOFFICE_ENV = "CDV_SOFFICE"
# Seconds allowed for a batch: a fixed part (start-up, profile creation) and a part per document.
TIMEOUT_BASE = 60.0
TIMEOUT_PER_DOCUMENT = 20.0
# Statuses of a territory
WRITTEN, UP_TO_DATE, FAILED, NOT_BUILT = "écrit", "à jour", "échec", "non construit"

INSTALL_HINT = (
    "LibreOffice est nécessaire pour produire les PDF, et il est introuvable sur cet ordinateur. "
    "Installez-le : sous Debian ou Ubuntu, « sudo apt-get install libreoffice-writer-nogui » ; "
    "sous Windows ou macOS, téléchargez-le sur https://fr.libreoffice.org/download/ . "
    f"S'il est installé dans un dossier inhabituel, indiquez le programme soffice dans la "
    f"variable d'environnement {SOFFICE_ENV} (exemple : "
    f"{SOFFICE_ENV}=/opt/libreoffice/program/soffice)."
)


class ConversionError(Exception):
    """The conversion could not run or did not finish (French message)."""


class LibreOfficeMissing(ConversionError):
    """No LibreOffice program was found."""


@dataclass
class ConversionResult:
    """PDF bytes of each converted document, and why the others failed."""

    pdfs: dict[Path, bytes] = field(default_factory=dict)
    failures: dict[Path, str] = field(default_factory=dict)
    seconds: float = 0.0
    processes: int = 0


def _usual_places() -> list[str]:
    if sys.platform == "win32":
        roots = [os.environ.get(v) for v in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432")]
        return [
            str(Path(root) / name / "program" / "soffice.exe")
            for root in dict.fromkeys(r for r in roots if r)
            for name in ("LibreOffice", "LibreOffice 7", "LibreOffice 24", "LibreOffice 25")
        ]
    places = [
        "/usr/bin/soffice",
        "/usr/bin/libreoffice",
        "/usr/local/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        "/usr/lib64/libreoffice/program/soffice",
        "/snap/bin/libreoffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ]
    # official Linux packages install into /opt/libreofficeX.Y: newest first
    places += sorted(glob.glob("/opt/libreoffice*/program/soffice"), reverse=True)
    return places


def find_soffice() -> Path | None:
    """The LibreOffice program: $CDV_SOFFICE, then the PATH, then the usual install folders."""
    explicit = os.environ.get(SOFFICE_ENV)
    if explicit is not None:
        path = Path(explicit)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for place in _usual_places():
        if Path(place).is_file() and os.access(place, os.X_OK):
            return Path(place)
    return None


def require_soffice() -> Path:
    soffice = find_soffice()
    if soffice is None:
        explicit = os.environ.get(SOFFICE_ENV)
        if explicit is not None:
            raise LibreOfficeMissing(
                f"{SOFFICE_ENV}={explicit} ne désigne pas un programme exécutable. " + INSTALL_HINT
            )
        raise LibreOfficeMissing(INSTALL_HINT)
    if sys.platform == "win32" and soffice.suffix.lower() == ".exe":
        # soffice.com is the console variant: it waits for the conversion and shows messages
        console = soffice.with_suffix(".com")
        if console.is_file():
            return console
    return soffice


def default_timeout(count: int) -> float:
    return TIMEOUT_BASE + TIMEOUT_PER_DOCUMENT * count


def convert_to_pdf(
    documents: list[Path],
    *,
    timeout: float | None = None,
    soffice: Path | None = None,
    jobs: int = 1,
) -> ConversionResult:
    """Convert documents (.docx) to PDF with LibreOffice: one process for the batch, or `jobs`
    processes at once, each with its own private profile and its share of the files (in the
    order of the list, so that a territory's documents stay together).

    Raises LibreOfficeMissing without LibreOffice, ConversionError when LibreOffice cannot start,
    fails as a whole or exceeds `timeout` seconds (then nothing is returned). A document that
    LibreOffice cannot read goes to `failures`, with the reason, and the others are returned.
    """
    result = ConversionResult()
    if not documents:
        return result
    soffice = soffice or require_soffice()
    timeout = default_timeout(len(documents)) if timeout is None else timeout
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cdv-pdf-") as tmp:
        tmp_path = Path(tmp)
        inputs = tmp_path / "entree"
        inputs.mkdir()
        names: dict[str, Path] = {}
        for number, document in enumerate(documents, start=1):
            name = f"{number:04d}{document.suffix.lower() or '.docx'}"
            try:
                shutil.copyfile(document, inputs / name)
            except OSError as exc:
                result.failures[document] = f"fichier illisible ({os_reason(exc)})"
                continue
            names[name] = document
        ordered = list(names)
        count = max(1, min(jobs, len(ordered)))
        size = -(-len(ordered) // count) if ordered else 0
        shares = [ordered[i : i + size] for i in range(0, len(ordered), size)] if size else []
        deadline = start + timeout

        def convert(index: int, share: list[str]) -> ConversionResult:
            work = tmp_path / f"lot-{index}"
            return _convert_share(
                share, names, inputs, work, soffice, deadline, timeout, len(documents)
            )

        if len(shares) <= 1:
            parts = [convert(0, share) for share in shares]
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=len(shares)) as pool:
                futures = [pool.submit(convert, i, share) for i, share in enumerate(shares)]
                parts = [future.result() for future in futures]  # re-raises the first error
        for part in parts:
            result.pdfs.update(part.pdfs)
            result.failures.update(part.failures)
            result.processes += part.processes
    result.seconds = time.perf_counter() - start
    return result


def _convert_share(
    share: list[str],
    names: dict[str, Path],
    inputs: Path,
    work: Path,
    soffice: Path,
    deadline: float,
    timeout: float,
    total: int,
) -> ConversionResult:
    """One LibreOffice process (per command-line batch) for a share of the files."""
    result = ConversionResult()
    outdir, profile = work / "sortie", work / "profil"
    outdir.mkdir(parents=True)
    for batch in _batches(share):
        command = [
            str(soffice),
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir.resolve()),
            *batch,
        ]
        remaining = max(deadline - time.perf_counter(), 1.0)
        try:
            status, output = _run(command, inputs, remaining)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(
                f"LibreOffice n'a pas terminé la conversion en {timeout:.0f} s "
                f"({total} document(s)) : il a été arrêté et aucun PDF n'a été "
                "produit. Un document est peut-être trop lourd ou bloque LibreOffice ; "
                "augmentez le délai avec --delai ou convertissez moins de territoires "
                "à la fois."
            ) from exc
        except OSError as exc:
            raise ConversionError(
                f"impossible de lancer LibreOffice ({soffice}) : {os_reason(exc)}. " + INSTALL_HINT
            ) from exc
        result.processes += 1
        said = _messages(output)
        for name in batch:
            document = names[name]
            pdf = outdir / (Path(name).stem + ".pdf")
            data = pdf.read_bytes() if pdf.is_file() else b""
            if data.startswith(b"%PDF-"):
                result.pdfs[document] = data
                continue
            reason = "LibreOffice n'a pas pu le lire ou le convertir (document abîmé ?)"
            if status != 0:
                reason = f"LibreOffice s'est arrêté en erreur (code {status})"
            result.failures[document] = reason + (f" — {said}" if said else "")
    return result


# --- every territory -----------------------------------------------------------------------------


@dataclass
class PackageResult:
    territory: str
    status: str
    message: str = ""
    files: dict[str, int] = field(default_factory=dict)  # name -> pages
    notes: list[str] = field(default_factory=list)
    build: object = None  # the BuildResult of the territory
    annexes: int = 0  # annexes in the package (attached)
    package: str = ""  # the name of the package file (a draft has its own)


@dataclass
class PackagesReport:
    results: list[PackageResult]
    build_seconds: float = 0.0
    conversion_seconds: float = 0.0
    assembly_seconds: float = 0.0
    documents: int = 0
    processes: int = 0


def make_packages(
    roots: list[Path],
    output: Path,
    templates,
    *,
    jobs: int = 1,
    draft: bool = False,
    force: bool = False,
    timeout: float | None = None,
    on_build=None,
    progress=None,
) -> PackagesReport:
    """Build the Word documents (as `cdv produire`), convert them with LibreOffice (`jobs`
    processes at once, one by default) and write each territory's PDFs in
    `output/<territoire>/`.

    A territory whose documents cannot all be converted or assembled gets no file at all; the
    others are written. Raises ConversionError when LibreOffice is missing, fails as a whole or
    exceeds its time: then no PDF is written. `on_build` gets each BuildResult, `progress` a
    French line before the conversion.
    """
    from pypdf import PdfReader

    from generator.documents.build import BUILT, PROTECTED, build_many, read_manifest
    from generator.documents.build import UP_TO_DATE as BUILD_UP_TO_DATE
    from generator.documents.manifest import ManifestError
    from generator.signature.outputs import write_signature_files
    from generator.signature.package import (
        TerritoryPlan,
        assemble_territory,
        is_up_to_date,
        plan_territory,
    )
    from generator.signature.parts import PackageError

    report = PackagesReport([])
    start = time.perf_counter()
    builds = build_many(
        roots, output, templates, jobs=jobs, draft=draft, on_result=on_build, keep_descriptions=True
    )
    report.build_seconds = time.perf_counter() - start
    pending: list[tuple[PackageResult, TerritoryPlan]] = []
    for build in builds:
        result = PackageResult(build.territory, NOT_BUILT, build=build)
        report.results.append(result)
        if build.status not in (BUILT, BUILD_UP_TO_DATE):
            result.status = NOT_BUILT if build.status != "échec" else FAILED
            result.message = build.message or "les documents Word n'ont pas été produits"
            continue
        folder = output / build.root.name
        result.notes = [
            f"{d.name} a été modifié à la main : c'est cette version qui est mise en PDF"
            for d in build.documents
            if d.status == PROTECTED
        ]
        try:
            plan = plan_territory(
                build.root,
                folder,
                templates,
                draft=bool(read_manifest(folder).get("brouillon")),
                description=build.description,  # loaded by the build; None when up to date
            )
        except (PackageError, ManifestError) as exc:
            result.status, result.message = FAILED, str(exc)
            continue
        except Exception as exc:  # a bug must not stop the other territories
            result.status, result.message = FAILED, _internal(exc)
            continue
        result.package = plan.package_name
        if not force and is_up_to_date(plan):
            result.status = UP_TO_DATE
            result.files = {
                n: _page_count(folder / n) for n in plan.outputs() if n.endswith(".pdf")
            }
            result.annexes = sum(1 for p in plan.annexes if p.docx or p.part.pdf)
            continue
        pending.append((result, plan))
    documents = [doc for _, plan in pending for doc in plan.documents]
    report.documents = len(documents)
    if documents and progress:
        progress(
            f"Conversion en PDF de {len(documents)} document(s) Word avec LibreOffice "
            f"({len(pending)} territoire(s))…"
        )
    conversion = convert_to_pdf(documents, timeout=timeout, jobs=jobs) if documents else None
    if conversion is not None:
        report.conversion_seconds = conversion.seconds
        report.processes = conversion.processes
    start = time.perf_counter()
    for result, plan in pending:
        failed = [d for d in plan.documents if conversion and d in conversion.failures]
        if failed:
            result.status = FAILED
            result.message = " ; ".join(
                f"conversion de {d.name} impossible : {conversion.failures[d]}" for d in failed
            )
            continue
        try:
            files = assemble_territory(plan, conversion.pdfs if conversion else {})
        except PackageError as exc:
            result.status, result.message = FAILED, str(exc)
            continue
        except Exception as exc:  # a bug must not stop the other territories
            result.status, result.message = FAILED, _internal(exc)
            continue
        result.notes.extend(plan.notes)  # active content removed from an annex…
        try:  # every file is complete before the first is written
            key = "signature_brouillons" if plan.draft else "signature"
            result.notes.extend(write_signature_files(plan.folder, files, key))
        except ManifestError as exc:
            result.status, result.message = FAILED, str(exc)
            continue
        except OSError as exc:
            result.status = FAILED
            result.message = (
                f"impossible d'écrire dans {plan.folder} : {os_reason(exc)} (PDF ouvert "
                "dans un lecteur, disque plein ou dossier protégé ?) ; fermez-le ou choisissez "
                "un autre dossier avec --sortie, puis relancez"
            )
            continue
        for name, data in files.items():
            if name.endswith(".pdf"):
                result.files[name] = len(PdfReader(io.BytesIO(data)).pages)
        result.status = WRITTEN
        result.annexes = sum(1 for p in plan.annexes if p.docx or p.part.pdf)
    report.assembly_seconds = time.perf_counter() - start
    return report


def _internal(exc: Exception) -> str:
    return (
        f"erreur interne ({type(exc).__name__} : {exc}) : signalez-la aux mainteneurs "
        "avec la description du territoire"
    )


def _page_count(path: Path) -> int:
    from pypdf import PdfReader

    try:
        return len(PdfReader(str(path)).pages)
    except Exception:
        return 0
