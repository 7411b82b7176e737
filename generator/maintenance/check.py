"""Check Word templates before they meet 39 territories: `cdv templates check`.

IREV maintains the templates in Word. Everything that would otherwise surface as a cryptic
Jinja error at build time, or as a silently empty or merged paragraph, is reported here, in
French, all at once, and located in Word terms (the part's heading, the paragraph, the table,
row and cell, the text around):

- tags broken by Word: braces separated by text (`{ {`), a tag cut over two paragraphs, a tag
  docxtpl cannot re-join (tracked changes, fields inside it), Word typography inside a tag;
  a tag split into runs of different formatting is a warning (docxtpl re-joins it, but the
  value takes the formatting of its first piece);
- Jinja syntax errors, tag by tag; blocks never closed, closed twice or crossed;
- docxtpl's structure: a `{% for %}` whose end lies in another cell or row (`{%tr for %}` is
  needed), a block over several paragraphs without `{%p %}`, a `{%p %}` that shares its
  paragraph with text (which docxtpl would delete), `{%tr %}` outside a table…;
- variables, fields and filters that do not exist, checked against the context the templates
  really get (see `generator.maintenance.variables`), including fields of loop variables;
- fields of the description that no template of the set shows (warnings);
- a template changed without a new version of the set (`versions.lock`).

How locations are found: the tags are first read in Word's own view (the text of each
paragraph, run by run), then docxtpl's `patch_xml` turns the XML into the Jinja source it
will really render. The two sequences of tags are aligned, and the Jinja source is rebuilt
with one tag per line, so that the line number of any Jinja node or error gives its tag, and
the tag its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
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
from generator.maintenance.locate import TemplateProblem, Where, _place, _short
from generator.maintenance.variables import (
    CtxPath,
    context_for,
    dependencies,
    path_text,
    schema_fields,
)
from generator.maintenance.version_lock import lock_problems, write_lock
from generator.maintenance.word_runs import (
    _DOCXTPL_ONLY,
    _TAG_RE,
    JTag,
    Para,
    PartSource,
    WordTag,
    _align,
    _parts,
    _patch,
    _rpr_signature,
    _tag_at,
    read_paragraphs,
    word_tags,
)

# --------------------------------------------------------------------------- results


@dataclass
class CheckResult:
    """The check of one template set (or of one territory's local templates)."""

    folder: Path
    label: str
    problems: list[TemplateProblem] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    lock_written: Path | None = None

    @property
    def errors(self) -> list[TemplateProblem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[TemplateProblem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def valid(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------- one document


class DocumentCheck:
    """All the checks of one template file; collects problems and the context paths read."""

    def __init__(self, path: Path, display: str, for_each: str | None):
        from generator.documents.render import make_environment

        self.path = path
        self.display = display
        self.for_each = for_each
        self.env = make_environment()
        self.problems: list[TemplateProblem] = []
        self.accessed: set[CtxPath] = set()
        self.terminal: set[CtxPath] = set()
        self.flagged: set[int] = set()  # Word tags already reported (no second message)

    def add(self, severity: str, message: str, where: Where | None) -> None:
        self.problems.append(TemplateProblem(severity, self.display, message, where))

    def run(self) -> DocumentCheck:
        try:
            parts, styles = _parts(self.path)
        except Exception as exc:  # noqa: BLE001 - a file Word would not open either
            self.add(
                ERREUR, f"fichier illisible : ce n'est pas un document Word valable ({exc})", None
            )
            return self
        for part in parts:
            self.check_part(part, styles)
        return self

    # -- one part
    def check_part(self, part: PartSource, styles) -> None:
        paras = read_paragraphs(part.root, part.label, styles)
        tags, leftovers = word_tags(paras)
        self.check_broken(paras, leftovers)
        self.check_typography(tags)
        self.check_formatting(tags)
        self.check_prefixes(tags, paras)
        patched = _patch(part.xml)
        raw_tags = [m.group(0) for m in _TAG_RE.finditer(patched)]
        aligned = _align(tags, raw_tags)
        jtags: list[JTag] = []
        last: Where | None = None
        for raw, word in zip(raw_tags, aligned, strict=True):
            last = word.where if word is not None else last
            jtags.append(JTag(raw, word, last))
        matched = {id(t) for t in aligned if t is not None}
        swallowed = _swallowed(tags)
        for tag in tags:
            if id(tag) in matched or id(tag) in swallowed or tag.keyword in _DOCXTPL_ONLY:
                continue
            self.add(
                ERREUR,
                f"balise « {_short(tag.raw, 60)} » que docxtpl ne peut pas reconstituer : une "
                "modification suivie, un champ ou un objet Word est pris dedans ; acceptez les "
                "modifications, puis effacez la balise et retapez-la d'un seul trait",
                tag.where,
            )
        broken = self.check_syntax(jtags)
        repairs = self.check_blocks(jtags)
        self.analyse(patched, jtags, broken, repairs)

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


# --------------------------------------------------------------------------- unused fields


def unused_fields(accessed: set[CtxPath], terminal: set[CtxPath], skip: set[str]) -> list:
    """Schema leaf fields whose data no template of the set reads."""
    deps = dependencies()
    out = []
    for info in schema_fields():
        if not info.leaf or info.const or path_text(info.path) in skip:
            continue
        if info.path in deps.failed:
            continue
        changed = deps.changed.get(info.path, set())
        if not any(_reads(c, accessed, terminal) for c in changed):
            out.append(info)
    return out


def _reads(changed: CtxPath, accessed: set[CtxPath], terminal: set[CtxPath]) -> bool:
    if changed in accessed:
        return True
    for n in range(len(changed)):
        if changed[:n] in terminal:
            return True
    size = len(changed)
    return any(len(a) > size and a[:size] == changed for a in accessed)


# --------------------------------------------------------------------------- a whole set


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check_file(path: Path, for_each: str | None = None) -> list[TemplateProblem]:
    """Check one template file on its own (no version or unused-field checks)."""
    return DocumentCheck(path, _display(path), for_each).run().problems


def check_set(
    folder: Path | None = None, *, update_lock: bool = False, territory: Path | None = None
) -> CheckResult:
    """Check a template set (or, with `territory`, the set as that territory overrides it)."""
    from generator.documents.templates import TemplateError, load_template_set

    result = CheckResult(folder=folder or Path("."), label=_display(folder) if folder else "")
    try:
        template_set = load_template_set(folder)
    except TemplateError as exc:
        result.problems.append(
            TemplateProblem(ERREUR, _display(folder) if folder else "?", str(exc))
        )
        return result
    result.folder = template_set.folder
    result.label = _display(template_set.folder)
    if territory is not None:
        return _check_territory(template_set, territory, result)
    accessed: set[CtxPath] = set()
    terminal: set[CtxPath] = set()
    for doc in template_set.documents:
        result.documents.append(_display(doc.template))
        check = DocumentCheck(doc.template, _display(doc.template), doc.for_each).run()
        result.problems.extend(check.problems)
        result.problems.extend(_marker_problems(doc.template))
        accessed |= check.accessed
        terminal |= check.terminal
    manifest = _read_manifest(template_set.folder)
    skip = {str(s) for s in manifest.get("champs_non_affiches") or []}
    if not result.errors:
        for info in unused_fields(accessed, terminal, skip):
            result.problems.append(
                TemplateProblem(
                    AVERTISSEMENT,
                    _display(template_set.folder / "manifest.yaml"),
                    f"champ « {path_text(info.path)} » ({info.title}) lu dans la description mais "
                    "montré par aucun modèle du jeu : un pilote peut le remplir, aucun document ne "
                    "l'affiche (si c'est voulu, ajoutez-le à champs_non_affiches dans le "
                    "manifeste)",
                )
            )
    problems, may_write = lock_problems(template_set, _display)
    if update_lock and may_write and not result.errors:
        result.lock_written = write_lock(template_set)
        problems = []
    result.problems.extend(problems)
    return result


def _marker_problems(template: Path) -> list[TemplateProblem]:
    from generator.documents.templates import declared_parts

    try:
        problems = declared_parts(template)[1]
    except Exception:  # noqa: BLE001 - an unreadable file is reported by DocumentCheck
        return []
    return [TemplateProblem(ERREUR, _display(template), message) for message in problems]


def _check_territory(template_set, territory: Path, result: CheckResult) -> CheckResult:
    """A territory's own templates (modeles/*.docx) and parts (modeles/parties/*.docx)."""
    from generator.documents.templates import (
        LOCAL_FOLDER,
        PARTS_FOLDER,
        apply_parts,
        declared_parts,
        resolve_for_territory,
    )

    resolved = resolve_for_territory(template_set, territory)
    result.label = _display(territory)
    names = ", ".join(d.template.name for d in template_set.documents)
    for name in resolved.ignored_overrides:
        result.problems.append(
            TemplateProblem(
                AVERTISSEMENT,
                _display(territory / name),
                f"ce fichier ne remplace aucun modèle du jeu : son nom doit être celui d'un modèle "
                f"({names})",
            )
        )
    for doc in resolved.documents:
        if doc.id in resolved.overrides:
            result.documents.append(_display(doc.template))
            check = DocumentCheck(doc.template, _display(doc.template), doc.for_each).run()
            result.problems.extend(check.problems)
            result.problems.extend(_marker_problems(doc.template))
    declared = {}
    for doc in resolved.documents:
        try:
            declared[doc.id] = declared_parts(doc.template)[0]
        except Exception:  # noqa: BLE001 - an unreadable template is reported above
            declared[doc.id] = {}
    available = sorted({name for parts in declared.values() for name in parts})
    for name, path in sorted(resolved.parts.items()):
        owners = [doc for doc in resolved.documents if name in declared[doc.id]]
        shown = _display(path)
        if not owners:
            possible = ", ".join(available) or "aucune"
            result.problems.append(
                TemplateProblem(
                    AVERTISSEMENT,
                    shown,
                    f"aucun modèle n'a de partie « {name} » : ce fichier ne remplace rien "
                    f"(parties possibles : {possible} ; le nom du fichier est celui de la partie, "
                    f"dans {LOCAL_FOLDER}/{PARTS_FOLDER}/)",
                )
            )
            continue
        result.documents.append(shown)
        for_each = "tfpb" if all(d.for_each == "tfpb" for d in owners) else None
        result.problems.extend(DocumentCheck(path, shown, for_each).run().problems)
        for doc in owners:
            for message in apply_parts(doc.template, {name: path})[2]:
                result.problems.append(TemplateProblem(ERREUR, shown, message))
    return result


def _read_manifest(folder: Path) -> dict:
    try:
        data = yaml.safe_load((folder / "manifest.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
