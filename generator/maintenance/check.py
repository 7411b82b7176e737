"""Check Word templates before they meet 39 territories: `cdv modeles verifier`.

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

This module holds the entry points (`check_file`, `check_set`, `CheckResult`) and the check of
one document; the work is done by concern in its neighbours: `word_runs` (Word's and docxtpl's
views of the tags), `locate` (places and problems in Word terms), `word_checks` and
`jinja_checks` (the checks of a document), `jinja_syntax`, `jinja_values` and `jinja_analysis`
(Jinja syntax, abstract values, variables and filters), `version_lock` (`versions.lock`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.description.problems import AVERTISSEMENT, ERREUR
from generator.maintenance.jinja_checks import JinjaChecks
from generator.maintenance.locate import TemplateProblem, Where, _short
from generator.maintenance.variables import (
    CtxPath,
    dependencies,
    path_text,
    schema_fields,
)
from generator.maintenance.version_lock import lock_problems, write_lock
from generator.maintenance.word_checks import WordChecks, _swallowed
from generator.maintenance.word_runs import (
    _DOCXTPL_ONLY,
    _TAG_RE,
    JTag,
    PartSource,
    _align,
    _parts,
    _patch,
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


class DocumentCheck(WordChecks, JinjaChecks):
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

    def run(self) -> DocumentCheck:
        from generator.documents.limits import TemplateLimitError, check_package

        try:
            check_package(self.path, self.path.name)
        except TemplateLimitError as exc:
            self.add(ERREUR, str(exc), None)
            return self
        try:
            parts, styles = _parts(self.path)
        except Exception as exc:  # noqa: BLE001 - a file Word would not open either
            self.add(
                ERREUR, f"fichier illisible : ce n'est pas un document Word valable ({exc})", None
            )
            return self
        for part in parts:
            self.check_part(part, styles)
        if not any(p.severity == ERREUR for p in self.problems):
            self.check_bounds()
        return self

    def check_bounds(self) -> None:
        """A trial render with the sample description: a tag that runs too long or builds an
        enormous value is reported here rather than at the pilot's first build."""
        from generator.documents.render import RenderError, render_template
        from generator.maintenance.variables_sample import context_for

        try:
            render_template(self.path, context_for(self.for_each))
        except RenderError as exc:
            if exc.limit:
                self.add(ERREUR, str(exc), None)
        except Exception:  # noqa: BLE001 - other faults are the static checks' business
            pass

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


# --------------------------------------------------------------------------- unused fields


def unused_fields(accessed: set[CtxPath], terminal: set[CtxPath], skip: set[str]) -> list:
    """Schema leaf fields whose data no template of the set reads."""
    deps = dependencies()
    out = []
    fields = schema_fields()
    # format-1 fields are read converted into the ledger, which is what the documents show
    former = [f.path for f in fields if f.description.startswith("Format 1")]
    for info in fields:
        if not info.leaf or info.const or path_text(info.path) in skip:
            continue
        if any(info.path[: len(path)] == path for path in former):
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
    # the follow-up's and the revoyure's documents have their own context, checked apart
    for doc in template_set.followup + template_set.later_documents:
        result.documents.append(_display(doc.template))
        check = DocumentCheck(doc.template, _display(doc.template), doc.for_each).run()
        result.problems.extend(check.problems)
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
