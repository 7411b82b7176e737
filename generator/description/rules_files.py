"""Business rules on the files a description names or makes: external annexes are files of the
territory folder (checked without being opened), and no two documents share an output name.
"""

from __future__ import annotations

from generator.description.load import Description
from generator.description.paths import annex_file, output_slug
from generator.description.problems import AVERTISSEMENT, ERREUR, Path_, Problem
from generator.description.rules_common import _items, _str


def rule_annex_files(desc: Description) -> list[Problem]:
    """External annex files are regular files inside the territory folder, links resolved.

    The name and the file's metadata only are checked: a file outside the folder is refused
    before anything reads it. A missing file is a warning (it may come later).
    """
    out = []
    for path, annex in _items(desc, "annexes"):
        name = _str(annex.get("fichier"))
        if not name:
            continue
        found, refused = annex_file(desc.root, name)
        if refused:
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("fichier",),
                    f"fichier d'annexe refusé : {_printable(name)} : {refused} ; une annexe est "
                    "un fichier du dossier du territoire, nommé par son chemin relatif "
                    "(exemple : annexes/convention-npnru.pdf)",
                )
            )
        elif found is None:
            out.append(
                desc.problem(
                    AVERTISSEMENT,
                    path + ("fichier",),
                    f"fichier d'annexe introuvable : {_printable(name)} (chemin relatif au "
                    "dossier du territoire)",
                )
            )
    return out


def rule_output_names(desc: Description) -> list[Problem]:
    """Each TFPB convention gets its own file: two bailleurs whose identifiers give the same
    file name (`opac-oise` and `opac_oise`; or names differing by case only, one file on
    Windows) would make one document overwrite the other."""
    out = []
    seen: dict[str, tuple[str, Path_]] = {}
    for path, item in _items(desc, "tfpb"):
        bailleur = _str(item.get("bailleur"))
        if not bailleur:
            continue
        slug = output_slug(bailleur).casefold()
        first = seen.get(slug)
        if first is None:
            seen[slug] = (bailleur, path + ("bailleur",))
            continue
        if first[0] == bailleur:
            continue  # the same bailleur twice: rule_duplicates says so
        where = desc.where(first[1])
        out.append(
            desc.problem(
                ERREUR,
                path + ("bailleur",),
                f"les bailleurs « {first[0]} » ({where.file}, ligne {where.line}) et "
                f"« {bailleur} » donneraient le même fichier de convention TFPB "
                f"(…-{slug}.docx) : l'une écraserait l'autre. Donnez-leur des identifiants "
                "qui diffèrent par une lettre ou un chiffre (tirets, soulignés et majuscules "
                "ne comptent pas), dans signataires et dans tfpb",
            )
        )
    return out


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)
