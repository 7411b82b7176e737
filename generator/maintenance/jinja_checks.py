"""Checks of a template in docxtpl's view: Jinja syntax tag by tag, blocks opened and closed
at the same docxtpl level, then variables, fields and filters against the sample context."""

from __future__ import annotations

from jinja2.exceptions import TemplateSyntaxError

from generator.description.problems import AVERTISSEMENT, ERREUR
from generator.maintenance.jinja_analysis import Analyzer
from generator.maintenance.jinja_syntax import (
    _MIDDLES,
    _NOT_IN_WORD,
    _OPENERS,
    _body_keyword,
    _is_block_set,
    _neutral,
    _syntax_message,
    _tag_syntax,
)
from generator.maintenance.locate import ProblemLog, _place, _short
from generator.maintenance.variables import CtxPath, context_for
from generator.maintenance.word_runs import _TAG_RE, JTag, _tag_at


class JinjaChecks(ProblemLog):
    """The checks of the Jinja source docxtpl renders, tag by tag and as a whole."""

    env: object  # the Jinja environment of the build
    for_each: str | None
    accessed: set[CtxPath]
    terminal: set[CtxPath]

    # -- Jinja syntax and block structure
    def check_syntax(self, jtags: list[JTag]) -> set[int]:
        broken = set()
        for index, tag in enumerate(jtags):
            message = _tag_syntax(self.env, tag)
            if message:
                broken.add(index)
                if tag.word is not None and id(tag.word) in self.flagged:
                    continue  # already explained (a {%tr %} outside a table…)
                if _body_keyword(tag.raw)[1] in _NOT_IN_WORD:
                    message = (
                        f"la balise « {_short(tag.raw, 60)} » n'est pas possible dans un modèle "
                        "Word"
                    )
                self.add(ERREUR, message, tag.where)
        return broken

    def check_blocks(self, jtags: list[JTag]) -> tuple[set[int], list[str]]:
        """Blocks opened and closed in order, at the same docxtpl level.

        Returns what makes the source parse anyway, for the analysis of variables: the tags
        to leave out and the end tags to add at the end.
        """
        stack: list[tuple[str, JTag]] = []
        drop: set[int] = set()
        for index, tag in enumerate(jtags):
            if not tag.raw.startswith("{%"):
                continue
            body, keyword = _body_keyword(tag.raw)
            if keyword in _OPENERS or (keyword == "set" and _is_block_set(body)):
                stack.append((keyword, tag))
            elif keyword in _MIDDLES:
                if not stack or stack[-1][0] not in _MIDDLES[keyword]:
                    self.add(
                        ERREUR,
                        f"« {_short(tag.raw, 60)} » sans {{% if … %}} ouvert avant lui",
                        tag.where,
                    )
                    drop.add(index)
                else:
                    self._same_level(stack[-1][1], tag)
            elif keyword.startswith("end") and keyword != "end":
                opener = keyword[3:]
                if stack and stack[-1][0] == opener:
                    self._same_level(stack.pop()[1], tag)
                elif any(k == opener for k, _ in stack):
                    inner_kw, inner = stack[-1]
                    closer = _OPENERS.get(inner_kw, "end" + inner_kw)
                    self.add(
                        ERREUR,
                        f"« {_short(tag.raw, 40)} » ferme un bloc alors que « "
                        f"{_short(inner.raw, 40)} » "
                        f"({_place(inner.where)}) n'est pas encore fermé : il manque {{% {closer} "
                        "%} "
                        "avant lui",
                        tag.where,
                    )
                    drop.add(index)
                else:
                    self.add(
                        ERREUR,
                        f"« {_short(tag.raw, 40)} » ferme un bloc {{% {opener} %}} qui n'a pas été "
                        "ouvert",
                        tag.where,
                    )
                    drop.add(index)
        append = []
        for keyword, tag in reversed(stack):
            closer = _OPENERS.get(keyword, "end" + keyword)
            prefix = tag.word.prefix if tag.word else ""
            self.add(
                ERREUR,
                f"bloc « {_short(tag.raw, 60)} » jamais fermé : ajoutez {{%{prefix} {closer} %}} "
                "là "
                "où il doit finir",
                tag.where,
            )
            append.append("{% " + closer + " %}")
        return drop, append

    def _same_level(self, opener: JTag, closer: JTag) -> None:
        a, b = opener.word, closer.word
        if a is None or b is None or id(a) in self.flagged or id(b) in self.flagged:
            return
        pa, pb = a.para, b.para
        if a.prefix != b.prefix:
            self.add(
                ERREUR,
                f"« {_short(a.raw, 40)} » ({_place(a.where)}) et « {_short(b.raw, 40)} » n'ont "
                "pas la "
                "même forme : un bloc ouvert par {%"
                + (a.prefix or "")
                + " … %} se ferme par {%"
                + (a.prefix or "")
                + " … %}",
                b.where,
            )
            return
        if a.prefix == "" and pa is not pb:
            in_table = pa.cell_key is not None or pb.cell_key is not None
            if in_table:
                advice = (
                    "pour répéter ou masquer des lignes de tableau, écrivez {%tr "
                    + a.body
                    + " %} et "
                    "{%tr " + b.body + " %}, chacune dans sa propre ligne"
                )
            else:
                advice = (
                    "pour un bloc de plusieurs paragraphes, écrivez {%p "
                    + a.body
                    + " %} et {%p "
                    + b.body
                    + " %}, chacune seule dans son paragraphe"
                )
            self.add(
                ERREUR,
                f"« {_short(a.raw, 40)} » ({_place(a.where)}) et « {_short(b.raw, 40)} » ne sont "
                "pas "
                f"dans le même paragraphe : {advice}",
                b.where,
            )
        elif a.prefix == "tr" and (pa.table_key is not pb.table_key or pa.row_key is pb.row_key):
            self.add(
                ERREUR,
                f"« {_short(a.raw, 40)} » et « {_short(b.raw, 40)} » doivent être dans deux lignes "
                "différentes du même tableau",
                b.where,
            )

    # -- variables and filters
    def analyse(self, patched: str, jtags: list[JTag], broken: set[int], repairs) -> None:
        drop, append = repairs
        pieces, index = [], 0
        for segment in _TAG_RE.split(patched):
            pieces.append(segment.replace("\n", " "))
            if index < len(jtags):
                raw = jtags[index].raw.replace("\n", " ")
                if index in drop:
                    raw = ""
                elif index in broken:
                    raw = _neutral(raw)
                pieces.append("\n" + raw)
                index += 1
        source = "".join(pieces) + "".join(append)
        try:
            tree = self.env.parse(source)
        except TemplateSyntaxError as exc:
            if not (broken or drop or append):
                tag = _tag_at(jtags, exc.lineno)
                self.add(
                    ERREUR, _syntax_message(exc, tag.raw if tag else ""), tag.where if tag else None
                )
            else:
                self.add(
                    AVERTISSEMENT,
                    "les variables et les filtres de ce modèle seront vérifiés quand les erreurs "
                    "de "
                    "syntaxe ci-dessus seront corrigées",
                    None,
                )
            return
        analyzer = Analyzer(self.env, context_for(self.for_each), self.for_each)
        analyzer.body(tree.body)
        seen = set()
        for lineno, message in analyzer.problems:
            tag = _tag_at(jtags, lineno)
            key = (message, id(tag))
            if key in seen:
                continue
            seen.add(key)
            self.add(ERREUR, message, tag.where if tag else None)
        self.accessed |= analyzer.accessed
        self.terminal |= analyzer.terminal
