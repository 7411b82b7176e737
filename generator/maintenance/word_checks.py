"""Checks of a template in Word's view: tags broken by Word, Word typography and formatting
inside a tag, and docxtpl's {%p %}, {%tr %} and {%tc %} sharing their paragraph, row or cell."""

from __future__ import annotations

import re

from generator.description.problems import AVERTISSEMENT, ERREUR
from generator.maintenance.locate import ProblemLog, _short
from generator.maintenance.word_runs import Para, WordTag, _rpr_signature


class WordChecks(ProblemLog):
    """The checks of a part's paragraphs and Word tags, before docxtpl reads them."""

    def check_broken(self, paras: list[Para], leftovers) -> None:
        by_index = {p.index: p for p in paras}
        continued: set[int] = set()  # paragraphs that hold the end of a tag cut above
        for para, rest in leftovers:
            opening = re.search(r"\{[{%#]", rest)
            closing = re.search(r"[}%#]\}", rest)
            spaced = re.search(r"\{\s+[{%#]|[}%#]\s+\}", rest)
            if spaced:
                self.add(
                    ERREUR,
                    f"balise cassée « {_short(spaced.group(0), 20)} » : les deux caractères qui "
                    "ouvrent ou ferment la balise sont séparés ({ { au lieu de {{) ; retapez-les "
                    "collés",
                    para.where,
                )
            elif opening and (not closing or closing.start() < opening.start()):
                following = by_index.get(para.index + 1)
                end = ""
                if following is not None and re.search(r"[}%#]\}", following.text):
                    end = f" ; sa fin est au paragraphe suivant : « {_short(following.text, 30)} »"
                    continued.add(following.index)
                self.add(
                    ERREUR,
                    f"balise « {_short(rest[opening.start() :].strip(), 40)} » coupée par un "
                    "retour "
                    f"à la ligne : une balise doit tenir dans un seul paragraphe{end} ; supprimez "
                    "le retour à la ligne",
                    para.where,
                )
            elif closing:
                if para.index in continued:
                    continue
                self.add(
                    ERREUR,
                    f"fin de balise « {_short(rest[: closing.end()].strip(), 40)} » sans début "
                    "dans "
                    "ce paragraphe : une balise doit tenir dans un seul paragraphe",
                    para.where,
                )
            else:
                stray = re.search(r"[{}]", rest)
                self.add(
                    AVERTISSEMENT,
                    f"accolade isolée « {stray.group(0)} » : une balise s'écrit {{{{ … }}}} ou "
                    "{% … %} ; si l'accolade est voulue, ignorez cet avertissement",
                    para.where,
                )

    def check_typography(self, tags: list[WordTag]) -> None:
        for tag in tags:
            if tag.delim == "{#":
                continue
            if re.match(r"^\{[{%#](p|tr|tc|r)\u00a0", tag.raw):
                self.flagged.add(id(tag))
                self.add(
                    ERREUR,
                    f"balise « {_short(tag.raw, 60)} » : après « {tag.raw[:2]}{tag.prefix} », "
                    "Word a mis "
                    "une espace insécable ; remplacez-la par une espace ordinaire",
                    tag.where,
                )

    def check_formatting(self, tags: list[WordTag]) -> None:
        for tag in tags:
            para = tag.para
            runs = sorted(set(para.run_of_char[tag.start : tag.start + len(tag.raw)]))
            if len(runs) < 2:
                continue
            signatures = {_rpr_signature(para.runs[r]) for r in runs}
            if len(signatures) > 1:
                self.add(
                    AVERTISSEMENT,
                    f"balise « {_short(tag.raw, 60)} » mise en forme de façon inégale (gras, "
                    "italique, "
                    "police… sur une partie seulement) : le texte produit prendra la mise en "
                    "forme du "
                    "début de la balise ; sélectionnez toute la balise et donnez-lui une seule "
                    "mise en "
                    "forme",
                    tag.where,
                )

    def check_prefixes(self, tags: list[WordTag], paras: list[Para]) -> None:
        by_para: dict[int, list[WordTag]] = {}
        by_row: dict[int, list[WordTag]] = {}
        for tag in tags:
            by_para.setdefault(id(tag.para), []).append(tag)
        for tag in tags:
            para = tag.para
            shown = _short(tag.raw, 60)
            if tag.delim == "{{" and tag.prefix:
                self.add(
                    ERREUR,
                    f"balise « {shown} » : la forme {{{{{tag.prefix} … }}}} est réservée aux "
                    "objets Word "
                    "(sous-documents, texte enrichi) que l'outil ne fournit pas ; écrivez {{ … }}",
                    tag.where,
                )
                continue
            if tag.prefix == "p":
                others = [t for t in by_para[id(para)] if t is not tag]
                text = para.text.replace(tag.raw, "", 1)
                for other in others:
                    text = text.replace(other.raw, "", 1)
                if others and any(o.prefix == "p" for o in others):
                    self.add(
                        ERREUR,
                        f"deux balises {{%p … %}} dans le même paragraphe (« {shown} ») : docxtpl "
                        "n'en garde qu'une ; mettez chacune dans son propre paragraphe",
                        tag.where,
                    )
                elif text.strip() or others:
                    around = text.strip() or " ".join(o.raw for o in others)
                    self.add(
                        ERREUR,
                        f"la balise « {shown} » partage son paragraphe avec « "
                        f"{_short(around, 40)} », "
                        "qui sera supprimé : une balise {%p … %} remplace tout son paragraphe ; "
                        "mettez-la seule dans un paragraphe",
                        tag.where,
                    )
            elif tag.prefix in ("tr", "tc"):
                if para.cell_key is None:
                    self.flagged.add(id(tag))
                    self.add(
                        ERREUR,
                        f"balise « {shown} » hors d'un tableau : {{%{tag.prefix} … %}} se place "
                        "dans "
                        "une cellule de tableau ; hors tableau, écrivez {%p … %}",
                        tag.where,
                    )
                    continue
                if tag.prefix == "tr":
                    by_row.setdefault(id(para.row_key), []).append(tag)
                    row_text = self._container_text(paras, "row_key", para.row_key, tags)
                    if row_text.strip():
                        self.add(
                            ERREUR,
                            f"la ligne de tableau de la balise « {shown} » contient aussi "
                            f"« {_short(row_text.strip(), 40)} », qui sera supprimé : une balise "
                            "{%tr … %} remplace toute sa ligne ; laissez la ligne vide autour "
                            "d'elle",
                            tag.where,
                        )
                else:
                    cell_text = self._container_text(paras, "cell_key", para.cell_key, tags)
                    if cell_text.strip():
                        self.add(
                            ERREUR,
                            f"la cellule de la balise « {shown} » contient aussi "
                            f"« {_short(cell_text.strip(), 40)} », qui sera supprimé : une balise "
                            "{%tc … %} remplace toute sa cellule",
                            tag.where,
                        )
        for row_tags in by_row.values():
            distinct = {t.body for t in row_tags}
            if len(distinct) > 1:
                self.add(
                    ERREUR,
                    "deux balises {%tr … %} différentes dans la même ligne de tableau ("
                    + ", ".join(f"« {_short(t.raw, 40)} »" for t in row_tags[:2])
                    + ") : docxtpl n'en garde qu'une ; mettez chacune dans sa propre ligne",
                    row_tags[0].where,
                )

    @staticmethod
    def _container_text(paras: list[Para], attribute: str, key, tags: list[WordTag]) -> str:
        inside = [p for p in paras if getattr(p, attribute) is key]
        text = ""
        for para in inside:
            rest = para.text
            for tag in tags:
                if tag.para is para and tag.prefix in ("tr", "tc"):
                    rest = rest.replace(tag.raw, "", 1)
            text += " " + rest
        return text


def _swallowed(tags: list[WordTag]) -> set[int]:
    """Tags that docxtpl drops on purpose: beside a {%p %} in its paragraph, a {%tr %} in its
    row or a {%tc %} in its cell (those are reported as such, not as unreadable tags)."""
    out: set[int] = set()
    keepers: dict[tuple[str, int], WordTag] = {}
    for tag in tags:
        para = tag.para
        if tag.prefix == "p":
            keepers.setdefault(("p", id(para)), tag)
        elif tag.prefix == "tr" and para.row_key is not None:
            keepers.setdefault(("tr", id(para.row_key)), tag)
        elif tag.prefix == "tc" and para.cell_key is not None:
            keepers.setdefault(("tc", id(para.cell_key)), tag)
    for tag in tags:
        para = tag.para
        for key in (("p", id(para)), ("tr", id(para.row_key)), ("tc", id(para.cell_key))):
            keeper = keepers.get(key)
            if (
                keeper is not None
                and keeper is not tag
                and (key[0] == "p" or para.cell_key is not None)
            ):
                out.add(id(tag))
    return out
