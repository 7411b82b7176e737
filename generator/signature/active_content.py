"""Active content removed from every PDF that goes into a signature package.

An annex PDF comes from a partner and may carry what a reader runs or opens by itself: page or
document actions (`/AA`, `/OpenAction`), JavaScript (actions, the document's name tree, form
scripts), launch links (`/Launch` to a program), form submission, links into other files,
embedded files, XFA forms, multimedia. All of it is removed from the objects reachable from the
document catalogue (pages, annotations, outline, form) before anything is copied; plain web and
mail links (`/URI` to http, https, mailto) and links inside the document are kept.

`strip_active_content(reader)` changes the reader's objects in place and returns what it removed,
in French, for the warning line of `cdv pdf`.
"""

from __future__ import annotations

# Actions that run code, start a program, send data or open another file.
DANGEROUS_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "lancement de programme (/Launch)",
    "/SubmitForm": "envoi de formulaire (/SubmitForm)",
    "/ImportData": "import de données (/ImportData)",
    "/GoToR": "lien vers un autre fichier (/GoToR)",
    "/GoToE": "lien vers un fichier incorporé (/GoToE)",
    "/Rendition": "multimédia (/Rendition)",
    "/RichMediaExecute": "multimédia (/RichMediaExecute)",
    "/Movie": "multimédia (/Movie)",
    "/Sound": "multimédia (/Sound)",
}
# Annotations that hold a file or a player.
DANGEROUS_ANNOTATIONS = {
    "/FileAttachment": "fichier incorporé (pièce jointe)",
    "/RichMedia": "multimédia (/RichMedia)",
    "/Screen": "multimédia (/Screen)",
    "/Movie": "multimédia (/Movie)",
    "/Sound": "multimédia (/Sound)",
}
SAFE_URI_SCHEMES = ("http:", "https:", "mailto:")
_ACTION_KEYS = ("/A", "/OpenAction", "/PA")


def _resolve(value):
    try:
        return value.get_object()
    except Exception:
        return None


def _action_problem(action) -> str | None:
    """Why an action (dictionary) must go, or None; follows its /Next chain."""
    from pypdf.generic import ArrayObject, DictionaryObject

    seen: set[int] = set()
    pending = [action]
    while pending:
        current = _resolve(pending.pop())
        if not isinstance(current, DictionaryObject) or id(current) in seen:
            continue
        seen.add(id(current))
        kind = str(current.get("/S", ""))
        if kind in DANGEROUS_ACTIONS:
            return DANGEROUS_ACTIONS[kind]
        if "/JS" in current:
            return "JavaScript"
        if kind == "/URI":
            uri = str(_resolve(current.get("/URI")) or "").strip().lower()
            if not uri.startswith(SAFE_URI_SCHEMES):
                return "lien vers un fichier ou un programme (/URI non web)"
        follow = _resolve(current.get("/Next"))
        if isinstance(follow, ArrayObject):
            pending.extend(follow)
        elif follow is not None:
            pending.append(follow)
    return None


def _clean_dictionary(node, removed: set[str]) -> None:
    """Remove the active entries of one dictionary (not its children)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    if "/AA" in node:
        del node[NameObject("/AA")]
        removed.add("actions automatiques (/AA)")
    if "/JS" in node:
        del node[NameObject("/JS")]
        removed.add("JavaScript")
    for key in _ACTION_KEYS:
        if key in node:
            value = _resolve(node[key])
            if isinstance(value, DictionaryObject):  # an action (a destination is an array)
                problem = _action_problem(value)
                if problem:
                    del node[NameObject(key)]
                    removed.add(problem)
    names = _resolve(node.get("/Names")) if "/Names" in node else None
    if isinstance(names, DictionaryObject):
        for key, label in (("/JavaScript", "JavaScript"), ("/EmbeddedFiles", "fichier incorporé")):
            if key in names:
                del names[NameObject(key)]
                removed.add(label)
    if "/EF" in node:  # a file specification that embeds the file
        del node[NameObject("/EF")]
        removed.add("fichier incorporé")
    if "/XFA" in node:  # an XFA form: scripts and data of its own
        del node[NameObject("/XFA")]
        removed.add("formulaire XFA (scripts)")
    if "/Annots" in node:
        annotations = _resolve(node["/Annots"])
        if isinstance(annotations, ArrayObject):
            kept = ArrayObject()
            for annotation in annotations:
                annotation_object = _resolve(annotation)
                subtype = (
                    str(annotation_object.get("/Subtype", ""))
                    if isinstance(annotation_object, DictionaryObject)
                    else ""
                )
                if subtype in DANGEROUS_ANNOTATIONS:
                    removed.add(DANGEROUS_ANNOTATIONS[subtype])
                else:
                    kept.append(annotation)
            if len(kept) != len(annotations):
                node[NameObject("/Annots")] = kept


def strip_active_content(document) -> list[str]:
    """Remove active content from everything reachable from the catalogue of `document` (a
    PdfReader or a PdfWriter: pages, annotations, outline, form fields, name trees); return
    what was removed (French, sorted).

    A reader's pages are walked on their own as well: pypdf hands out copies of the page
    dictionaries (with inherited entries), and those copies are what gets appended.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    removed: set[str] = set()
    try:
        pending = [document.root_object, *document.pages]
    except Exception:
        return []
    seen: set[tuple[int, int]] = set()
    while pending:
        value = pending.pop()
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key in seen:
                continue
            seen.add(key)
            value = _resolve(value)
        if isinstance(value, DictionaryObject):  # streams are dictionaries too
            _clean_dictionary(value, removed)
            for name, child in list(value.items()):
                if name != "/Parent":  # walked from the top already
                    pending.append(child)
        elif isinstance(value, ArrayObject):
            pending.extend(value)
    return sorted(removed)
