"""Render a Word template with a context: one safe Jinja environment for every template.

The environment is sandboxed, undefined variables are errors, and every `{{ }}` is escaped
for XML, so `& < > " '` never corrupt or truncate a document and text that looks like a
template tag in the data is printed, never executed. Copy-paste debris (control characters,
which docxtpl would turn into page or paragraph breaks) is removed from every value.

Free texts go through the `texte` filter: paragraphs are separated by docxtpl's `\\a`
(new paragraph, same style) and list items carry a private marker that the post-processing
step (`generator.documents.docx_post`) turns into the bulleted list style.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from generator.description.missing import label as missing_label
from generator.documents import formatting, limits
from generator.documents.marks import BULLET_MARK, EMPTY_MARK

# Private-use characters (markers that only the toolkit writes) and the characters XML
# forbids (U+FFFE, U+FFFF, lone surrogates: they would make the part unreadable) are stripped
# from every value.
_PRIVATE = re.compile("[\ue000-\uf8ff\ud800-\udfff\ufffe\uffff]")


class RenderError(Exception):
    """A template could not be rendered; the message is French and names the template.

    `limit` is true when the template exceeds a bound (time, size): `cdv modeles verifier`
    reports those from a trial render."""

    def __init__(self, message: str, limit: bool = False):
        super().__init__(message)
        self.limit = limit


class _BoundedTemplate(Template):
    """A compiled part whose output is counted as it is produced: rendering stops at the bound
    instead of filling the memory."""

    def render(self, *args, **kwargs) -> str:
        chunks, total = [], 0
        for chunk in self.generate(*args, **kwargs):
            total += len(chunk)
            if total > limits.MAX_OUTPUT_CHARS:
                raise limits.TemplateLimitError(
                    f"le texte produit dépasserait {limits.MAX_OUTPUT_CHARS // 1_000_000} millions "
                    "de caractères : une boucle répète trop de fois son contenu (boucles "
                    "imbriquées ?) ; vérifiez les balises {% for %}"
                )
            chunks.append(chunk)
        return "".join(chunks)


def clean(value: str) -> str:
    """Text from the description, safe to put in a document, with French spacing."""
    return formatting.typographie(_PRIVATE.sub("", formatting.nettoyer(value)))


def _finalize(value):
    """Applied to every `{{ }}` before escaping: nothing for None, no control characters."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, str):
        return clean(value)
    return value


def texte(value) -> Markup:
    """A free text as paragraphs, line breaks and bulleted items (see formatting.paragraphes)."""
    paragraphs: list[str] = []
    if value is None:
        return Markup(EMPTY_MARK)
    for block in formatting.paragraphes(_PRIVATE.sub("", str(value))):
        if block["type"] == "liste":
            paragraphs.extend(
                BULLET_MARK + str(escape(formatting.typographie(item)))
                for item in block["elements"]
            )
        else:
            paragraphs.append(
                "\n".join(str(escape(formatting.typographie(line))) for line in block["lignes"])
            )
    return Markup("\a".join(paragraphs) or EMPTY_MARK)


def puces(values) -> Markup:
    """A list of short texts as bulleted paragraphs."""
    items = [clean(str(v)) for v in values or [] if v is not None and str(v).strip()]
    return Markup("\a".join(BULLET_MARK + str(escape(item)) for item in items) or EMPTY_MARK)


def majuscule(value) -> str:
    """The text with its first letter in upper case: « l'État » → « L'État »."""
    text = str(value)
    return text[:1].upper() + text[1:]


def valeur(value, unite=None, court=False) -> str:
    """A value with its unit: « 46,8 % », « 12 500 € », « 180 jeunes », « 52 » (no unit).

    `court=true` (for table columns) keeps only « % » and « € » and leaves other units out. A
    marker of missing data prints its label, without unit: « n.d. », « secret statistique ».
    """
    marker = missing_label(value)
    if marker is not None:
        return marker
    unit = (unite or "").strip()
    if unit == "%":
        return formatting.pourcentage(value)
    if unit.lower() in ("€", "euro", "euros", "eur"):
        return formatting.montant(value)
    number = formatting.nombre(value)
    if unit and not court:
        unit = _agreed(unit, value)
    return f"{number}{formatting.ESPACE_INSECABLE}{unit}" if unit and not court else number


# words ending in s or x that keep it in the singular
_INVARIABLE = {"mois", "fois", "bus", "pays", "cours", "temps", "poids", "prix", "repas", "accès"}


def _agreed(unit: str, value) -> str:
    """« 0 jeune », « 1 logement », « 1,5 heure »: below 2, French takes the singular."""
    from decimal import Decimal, InvalidOperation

    try:
        small = abs(Decimal(str(value))) < 2
    except (InvalidOperation, ValueError):
        return unit
    if not small or " " in unit or unit.lower() in _INVARIABLE or not unit.endswith("s"):
        return unit  # a unit of several words keeps the pilot's agreement
    return unit[:-1] if len(unit) > 2 else unit


def _safe(function):
    """Filters never see None: they return an empty string for it."""

    def wrapper(value, *args, **kwargs):
        if value is None or value == "":
            return ""
        return function(value, *args, **kwargs)

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper


class _Environment(ImmutableSandboxedEnvironment):
    """The sandboxed environment, remembering the templates it compiled.

    docxtpl compiles the whole document XML at every render; a build renders the same
    templates for many territories, so each distinct source is compiled once per process.
    """

    _CACHE_SIZE = 64
    template_class = _BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._compiled: dict[str, object] = {}

    def call_binop(self, context, operator, left, right):
        limits.check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:  # `'{:>9999999999}'.format(x)`: refused before it runs
            limits.check_format_string(value.__self__)
        return wrapped

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - jinja2's signature
        limits.check_arguments(args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        limits.check_result(result)
        return result

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            template = super().from_string(source)
            if len(self._compiled) >= self._CACHE_SIZE:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[source] = template
        return template


@lru_cache(maxsize=1)
def shared_environment() -> ImmutableSandboxedEnvironment:
    """One environment per process, so that compiled templates are reused."""
    return make_environment()


def make_environment() -> ImmutableSandboxedEnvironment:
    env = _Environment(
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    for name, function in formatting.FILTRES.items():
        env.filters[name] = _safe(function)
    env.filters["majuscule"] = _safe(majuscule)
    env.filters["valeur"] = _safe(valeur)
    env.filters["texte"] = texte
    env.filters["puces"] = puces
    for name, function in list(env.filters.items()):
        env.filters[name] = _bounded(function)
    return env


def _bounded(function):
    """A filter that refuses enormous arguments (`indent(10**10)`) and results."""
    from functools import wraps

    @wraps(function)
    def wrapper(*args, **kwargs):
        limits.check_arguments(args[1:] if args else args, kwargs)
        result = function(*args, **kwargs)
        limits.check_result(result)
        return result

    return wrapper


def render_template(template: Path, context: dict, warnings: list[str] | None = None) -> object:
    """Render `template` (.docx) with `context`; return the python-docx Document.

    `warnings` (for a draft built despite validation errors) are shown in a frame at the top.
    """
    from generator.documents.docx_post import post_process

    try:
        limits.check_package(template, template.name)
        tpl = _Template(str(template))
        context = _with_images(tpl, context)
        with limits.time_limit():
            tpl.render(context, jinja_env=shared_environment(), autoescape=True)
    except limits.RenderTimeout:
        raise RenderError(
            f"modèle {template.name} : le rendu a dépassé {limits.MAX_RENDER_SECONDS:.0f} s et a "
            "été arrêté : une boucle tourne trop longtemps (boucles imbriquées ?) ; vérifiez "
            "les balises {% for %} du modèle (« cdv modeles verifier » le signale aussi)",
            limit=True,
        ) from None
    except limits.TemplateLimitError as exc:
        message = str(exc)
        prefix = "" if message.startswith("modèle ") else f"modèle {template.name} : "
        raise RenderError(prefix + message, limit=True) from None
    except OverflowError as exc:  # the sandbox's bound on range()
        raise RenderError(
            f"modèle {template.name} : boucle trop longue (range de plus de 100 000 éléments) ; "
            "vérifiez les balises {% for %} du modèle",
            limit=True,
        ) from exc
    except MemoryError:
        raise RenderError(
            f"modèle {template.name} : mémoire épuisée pendant le rendu : une balise construit "
            "une valeur immense ; vérifiez les balises du modèle",
            limit=True,
        ) from None
    except TemplateSyntaxError as exc:
        around = " ".join(t.strip() for t in getattr(exc, "docx_context", []) if t.strip())
        raise RenderError(
            f"modèle {template.name} : erreur de syntaxe dans une balise ({exc.message}) ; "
            f"texte autour : « {around[:200]} »"
        ) from exc
    except UndefinedError as exc:
        name = _undefined_name(exc.message or "")
        raise RenderError(
            f"modèle {template.name} : variable ou champ inconnu « {name} » ; vérifiez "
            "l'orthographe de la balise (référence : docs/variables.md) ; « cdv modeles "
            "check » situe la balise dans le modèle"
        ) from exc
    except SecurityError as exc:
        raise RenderError(f"modèle {template.name} : {unsafe_reason(exc)}") from None
    except Exception as exc:  # docxtpl raises plain exceptions on broken packages
        if isinstance(exc, RenderError):
            raise
        raise RenderError(f"modèle {template.name} illisible ou cassé : {exc}") from exc
    post_process(tpl.docx, warnings or [])
    return tpl.docx


def _with_images(tpl, context: dict) -> dict:
    """The context with each `LocatorMap` as an image of this document, drawn only if shown."""
    from generator.documents.locator_map import WIDTH_MM, LocatorMap

    maps = {k: v for k, v in context.items() if isinstance(v, LocatorMap)}
    if not maps:
        return context
    return dict(
        context, **{k: _LazyImage(tpl, v, WIDTH_MM) if v else None for k, v in maps.items()}
    )


class _LazyImage(InlineImage):
    """An InlineImage whose PNG is drawn when the template prints it, not before."""

    def __init__(self, tpl, locator, width_mm: int):
        super().__init__(tpl, image_descriptor=None, width=Mm(width_mm))
        self.locator = locator

    def _insert_image(self):
        self.image_descriptor = io.BytesIO(self.locator.png())
        return super()._insert_image()


class _Template(DocxTemplate):
    """docxtpl's template, with its XML clean-up (a pure function) done once per distinct part."""

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml):
        patched = self._patched.get(src_xml)
        if patched is None:
            if len(self._patched) >= 64:
                self._patched.pop(next(iter(self._patched)))
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
        return patched


_UNSAFE = re.compile(r"access to attribute '([^']*)' of '([^']*)' object is unsafe")


def unsafe_reason(exc: Exception) -> str:
    """The French reason of the sandbox's SecurityError (jinja2 says it in English)."""
    match = _UNSAFE.search(str(exc))
    what = f"« {match.group(1)} »" if match else "un attribut interne de Python"
    return (
        f"une balise demande {what}, que le bac à sable des modèles refuse (accès aux "
        "mécanismes internes de Python ou modification d'une valeur) ; un modèle ne lit que les "
        "champs de la description et les filtres du jeu (référence : docs/variables.md) : "
        "supprimez ou corrigez cette balise"
    )


def _undefined_name(message: str) -> str:
    match = re.search(r"has no attribute '([^']+)'", message) or re.search(
        r"'([^']+)' is undefined", message
    )
    return match.group(1) if match else message


def document_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
