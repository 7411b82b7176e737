"""Read the follow-up files of one year: `suivi/<année>.yaml` and `suivi/<année>/*.yaml`.

Each file is read by the description's `yaml_reader` (positions kept, safe loading, duplicate
keys refused); the lists of every file are put end to end, with the origin of every value, so
that a problem names the file, line and column where the pilot or the partner wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.description.load import (
    SUFFIXES,
    Description,
    copy_section_locations,
    location_stores,
    parse_apart,
    refuse_not_a_mapping,
)
from generator.description.problems import ERREUR, Problem

FOLDER = "suivi"
OPINIONS = "avis"  # suivi/<année>/avis/*.txt|*.md|*.docx: the conseils citoyens' opinions
OPINION_SUFFIXES = (".txt", ".md", ".docx")
LIST_KEYS = ("indicateurs", "operations", "engagements", "actions", "tfpb", "participation")
SINGLE_KEYS = ("annee", "rapport", "decisions")
_YEAR_FILE = re.compile(r"^(\d{4})$")


@dataclass
class Opinion:
    """An opinion of a conseil citoyen, dropped by the pilot as a text or Word file."""

    file: str
    title: str
    paragraphs: list[str]


@dataclass
class FollowUp:
    """One year of follow-up, merged from its files, with the origin of every value."""

    root: Path
    year: int
    records: Description = field(default=None)  # type: ignore[assignment]
    opinions: list[Opinion] = field(default_factory=list)

    @property
    def data(self) -> dict:
        return self.records.data

    @property
    def files(self) -> list[str]:
        return self.records.files

    @property
    def problems(self) -> list[Problem]:
        return self.records.problems


def followup_years(root: Path) -> list[int]:
    """The years that have a follow-up file or folder in the territory."""
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    years = set()
    for path in folder.iterdir():
        name = path.stem if path.is_file() and path.suffix in SUFFIXES else path.name
        match = _YEAR_FILE.match(name)
        if match and (path.is_dir() or path.suffix in SUFFIXES):
            years.add(int(match.group(1)))
    return sorted(years)


def followup_files(root: Path, year: int) -> list[Path]:
    """The YAML files of one year: the main file first, then the partners' files."""
    folder = root / FOLDER
    files = [folder / f"{year}{s}" for s in SUFFIXES if (folder / f"{year}{s}").is_file()]
    sub = folder / str(year)
    if sub.is_dir():
        files += sorted(p for p in sub.iterdir() if p.is_file() and p.suffix in SUFFIXES)
    return files


def opinion_files(root: Path, year: int) -> list[Path]:
    folder = root / FOLDER / str(year) / OPINIONS
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in OPINION_SUFFIXES and not p.name.startswith("~$")
    )


def input_files(root: Path, year: int) -> list[Path]:
    """Everything of the territory's folder a year's follow-up reads (for the build hash)."""
    return followup_files(root, year) + opinion_files(root, year)


def load_followup(root: Path, year: int) -> FollowUp:
    """Load the follow-up of `year`; problems (located, French) are in `.problems`."""
    records = Description(root=root)
    followup = FollowUp(root=root, year=year, records=records)
    files = followup_files(root, year)
    if not files:
        records.problems.append(
            Problem(
                ERREUR,
                f"aucun fichier de suivi pour {year} : écrivez {FOLDER}/{year}.yaml dans le "
                "dossier du territoire (voir l'exemple contracts/creil-sud-oise/suivi/)",
                str(root / FOLDER),
            )
        )
        return followup
    for path in files:
        records.files.append(str(path))
        _merge(records, path, year)
    followup.opinions = [_read_opinion(p, records) for p in opinion_files(root, year)]
    followup.opinions = [o for o in followup.opinions if o is not None]
    return followup


def _merge(records: Description, path: Path, year: int) -> None:
    ok, value, staging = parse_apart(records, path)
    if not ok:
        return
    if not isinstance(value, dict):
        refuse_not_a_mapping(
            records,
            staging,
            path,
            "un fichier de suivi contient des rubriques au premier niveau (« indicateurs: », "
            "« operations: », « tfpb: »…), pas une liste ni un texte seul",
        )
        return
    for key, section in value.items():
        here = staging.key_locations[(key,)]
        if (
            key in LIST_KEYS
            and isinstance(section, list)
            and isinstance(records.data.get(key, []), list)
        ):
            target = records.data.setdefault(key, [])
            records.section_files.setdefault(key, str(path))
            offset = len(target)
            target.extend(section)
            _copy_locations(staging, records, key, offset)
            continue
        if key == "annee" and key in records.data and records.data[key] == section:
            continue  # a partner's file may repeat the year
        if key in records.data:
            first = records.key_locations.get((key,))
            where = f"{first.file}, ligne {first.line}" if first else "?"
            records.problems.append(
                Problem(
                    ERREUR,
                    f"la rubrique « {key} » est écrite dans deux fichiers de suivi : ici et dans "
                    f"{where} ; elle s'écrit dans un seul fichier",
                    here.file,
                    here.line,
                    here.column,
                    (key,),
                )
            )
            continue
        records.data[key] = section
        records.section_files[key] = str(path)
        copy_section_locations(staging, records, key)


def _copy_locations(staging: Description, records: Description, key: str, offset: int) -> None:
    """The locations of a list appended at `offset` to the list `key` of the year."""
    for source, target in location_stores(staging, records):
        for p, loc in source.items():
            if not p or p[0] != key:
                continue
            if len(p) < 2:
                target.setdefault(p, loc)
                continue
            target[(key, p[1] + offset) + p[2:]] = loc


def _read_opinion(path: Path, records: Description) -> Opinion | None:
    from generator.description.yaml_reader import read_text

    if path.suffix.lower() == ".docx":
        return _read_docx_opinion(path, records)
    text, problem = read_text(path)
    if problem is not None:
        records.problems.append(problem)
        return None
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    if not blocks:
        return None
    title = blocks[0].lstrip("# ").strip()
    return Opinion(str(path), title, [" ".join(b.split("\n")) for b in blocks[1:]])


def _read_docx_opinion(path: Path, records: Description) -> Opinion | None:
    """A Word opinion: its first paragraph is the title, the others (and the rows of its
    tables, cells joined by « ; ») the paragraphs, in the order of the document."""
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    from generator.description.yaml_reader import MAX_FILE_BYTES

    def refuse(reason: str) -> None:
        records.problems.append(
            Problem(
                ERREUR,
                f"avis du conseil citoyen illisible : {reason} ; ouvrez-le dans Word ou "
                "LibreOffice et enregistrez-le à nouveau en .docx (ou en texte .txt)",
                str(path),
            )
        )

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            refuse(f"fichier de plus de {MAX_FILE_BYTES // (1024 * 1024)} Mo")
            return None
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        refuse("ce n'est pas un document Word .docx valide")
        return None
    except OSError as exc:
        refuse(exc.strerror or exc.__class__.__name__)
        return None
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def text(element) -> str:  # the runs' text only: no field codes, no tracked deletions
        return "".join(t.text or "" for t in element.iter(f"{w}t"))

    blocks = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{w}p":
            blocks.append(text(element))
        elif element.tag == f"{w}tbl":
            for row in element.iter(f"{w}tr"):
                cells = [text(cell).strip() for cell in row.iter(f"{w}tc")]
                blocks.append(" ; ".join(c for c in cells if c))
    blocks = [" ".join(b.split()) for b in blocks if b.strip()]
    if not blocks:
        return None
    return Opinion(str(path), blocks[0], blocks[1:])
