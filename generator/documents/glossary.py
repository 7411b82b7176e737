"""The glossary of a document (annex 7): the acronyms of the template set's glossary
(`glossaire.yaml` beside the manifest) that the documents use, in the template's own text or in
the territory's description, in alphabetical order.
"""

from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from pathlib import Path

GLOSSARY_FILE = "glossaire.yaml"


def _pattern(acronym: str) -> re.Pattern:
    tail = "" if acronym.endswith("+") else r"(?![\w+])"
    return re.compile(rf"(?<![\w]){re.escape(acronym)}{tail}")


@lru_cache(maxsize=8)
def _entries(folder: str, stamp: float) -> tuple[tuple[str, str], ...]:
    import yaml

    from generator.description.yaml_reader import syntax_reason
    from generator.documents.render import RenderError

    path = Path(folder) / GLOSSARY_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RenderError(
            f"glossaire du jeu de modèles illisible : {path}, {syntax_reason(exc)} ; corrigez "
            "le fichier (une ligne « SIGLE: signification » par sigle)"
        ) from None
    except UnicodeDecodeError:
        raise RenderError(
            f"glossaire du jeu de modèles illisible : {path} n'est pas encodé en UTF-8 ; "
            "enregistrez-le en UTF-8"
        ) from None
    if not isinstance(data, dict):
        raise RenderError(
            f"glossaire du jeu de modèles mal formé : {path} doit être une suite de lignes "
            "« SIGLE: signification »"
        )
    return tuple((str(k), str(v)) for k, v in data.items() if k and v)


def glossary_entries(folder: Path) -> tuple[tuple[str, str], ...]:
    """(acronym, meaning) of the template set's glossary; empty when it has none."""
    path = folder / GLOSSARY_FILE
    if not path.is_file():
        return ()
    return _entries(str(folder), path.stat().st_mtime)


@lru_cache(maxsize=32)
def _template_text(path: str, stamp: float) -> str:
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode("utf-8", errors="replace")
    return " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def template_text(paths) -> str:
    return " ".join(_template_text(str(p), Path(p).stat().st_mtime) for p in paths)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def used_glossary(entries, data: dict, text: str = "") -> list[dict]:
    """The entries whose acronym appears in the description `data` or in `text`."""
    haystack = text + "\n" + "\n".join(_strings(data))
    found = [
        {"sigle": acronym, "signification": meaning}
        for acronym, meaning in entries
        if _pattern(acronym).search(haystack)
    ]
    return sorted(found, key=lambda e: e["sigle"].casefold())
