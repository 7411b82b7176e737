"""Jinja syntax, tag by tag: what each docxtpl tag opens or closes, its syntax error phrased
in French (with the Word typography that caused it), and a neutral stand-in for a broken tag."""

from __future__ import annotations

import re

from jinja2.exceptions import TemplateSyntaxError

from generator.maintenance.locate import _short
from generator.maintenance.word_runs import _DOCXTPL_ONLY, JTag

# --------------------------------------------------------------------------- Jinja messages

_SYNTAX_FR = [
    (r"unexpected char '(.)'", "caractère « {0} » inattendu"),
    (r"unexpected '(.*)'", "« {0} » inattendu"),
    (
        r"expected token 'end of print statement', got '(.*)'",
        "fin de balise attendue, trouvé « {0} »",
    ),
    (
        r"expected token 'end of statement block', got '(.*)'",
        "fin de balise attendue, trouvé « {0} »",
    ),
    (r"expected token 'in', got '(.*)'", "« in » attendu dans la boucle, trouvé « {0} »"),
    (r"expected token '(.*)', got '(.*)'", "« {0} » attendu, trouvé « {1} »"),
    (r"Encountered unknown tag '(.*?)'", "mot-clé inconnu « {0} »"),
    (r"unexpected end of template", "balise incomplète"),
    (r"[Uu]nexpected end of template", "balise incomplète"),
    (r"expected an expression, got '(.*)'", "expression attendue, trouvé « {0} »"),
    (r"tag name expected", "mot-clé attendu après {{%"),
    (r"missing end of comment tag", "commentaire {{# non fermé"),
]
_WORD_TYPO = {
    "«": "des guillemets français « » (écrivez des guillemets droits \" ou ')",
    "»": "des guillemets français « » (écrivez des guillemets droits \" ou ')",
    "…": "des points de suspension … (Word a remplacé trois points)",
    "–": "un tiret – (Word a remplacé un signe moins)",
    "—": "un tiret — (Word a remplacé un signe moins)",
}


def _syntax_message(exc: TemplateSyntaxError, raw: str) -> str:
    message = exc.message or ""
    text = None
    for pattern, french in _SYNTAX_FR:
        found = re.search(pattern, message)
        if found:
            text = french.format(*found.groups())
            break
    text = text or f"erreur de syntaxe ({message})"
    hints = [hint for char, hint in _WORD_TYPO.items() if char in raw]
    if hints:
        text += " ; la balise contient " + hints[0]
    return f"erreur de syntaxe dans la balise « {_short(raw, 80)} » : {text}"


_OPENERS = {
    "for": "endfor",
    "if": "endif",
    "with": "endwith",
    "macro": "endmacro",
    "call": "endcall",
    "filter": "endfilter",
    "autoescape": "endautoescape",
    "raw": "endraw",
}
_MIDDLES = {"elif": ("if",), "else": ("if", "for")}
_NOT_IN_WORD = {"include", "extends", "import", "from", "block", "endblock"}


def _body_keyword(raw: str) -> tuple[str, str]:
    """A tag's content (no delimiters, whitespace control or docxtpl prefix) and first word."""
    body = raw[2:-2].strip().strip("-+").strip()
    words = body.split(None, 1)
    if len(words) == 2 and words[0] in ("p", "tr", "tc", "r"):  # a prefix docxtpl left
        body = words[1]
        words = body.split(None, 1)
    return body, (words[0] if words else "")


def _is_block_set(body: str) -> bool:
    return body.split(None, 1)[0] == "set" and "=" not in body


def _tag_syntax(env, tag: JTag) -> str | None:
    """The syntax error of one tag alone (None if it parses)."""
    raw = tag.raw
    if raw.startswith("{#"):
        return None
    body, keyword = _body_keyword(raw)
    first = raw[2:-2].strip().strip("-+").split(None, 1)
    if first and first[0] in ("p", "tr", "tc", "r") and raw.startswith("{%"):
        return (
            f"balise « {_short(raw, 60)} » que docxtpl n'a pas pu traiter : {{%{first[0]} … %}} "
            "doit être suivi d'une espace ordinaire, et se placer là où sa forme le permet"
        )
    if raw.startswith("{{"):
        source = raw
    elif keyword in _OPENERS:
        source = raw + "{% " + _OPENERS[keyword] + " %}"
    elif keyword == "set" and _is_block_set(body):
        source = raw + "{% endset %}"
    elif keyword in _MIDDLES:
        opener = "{% for x in y %}" if keyword == "else" else "{% if x %}"
        source = opener + raw + "{% end" + ("for" if keyword == "else" else "if") + " %}"
    elif keyword.startswith("end") or keyword in _DOCXTPL_ONLY:
        return None
    else:
        source = raw
    try:
        env.parse(source)
    except TemplateSyntaxError as exc:
        return _syntax_message(exc, raw)
    return None


def _neutral(raw: str) -> str:
    """A stand-in for a tag with a syntax error that keeps the blocks balanced."""
    body, keyword = _body_keyword(raw)
    if raw.startswith("{%"):
        if keyword == "for":
            target = re.match(r"for\s+(.+?)\s+in\s", body)
            try:  # keep the loop variable, so that the body's tags are still checked
                _ENV_FOR_NEUTRAL.parse("{% for " + target.group(1) + " in [] %}{% endfor %}")
                return "{% for " + target.group(1) + " in [] %}"
            except (AttributeError, TemplateSyntaxError):
                return "{% for _ in [] %}"
        if keyword in ("if", "elif"):
            return "{% " + keyword + " true %}"
        if keyword in _OPENERS:
            return "{% if true %}"
        if keyword in ("endfor", "endif", "else"):
            return "{% " + keyword + " %}"
        if keyword.startswith("end") and keyword[3:] in _OPENERS:
            return "{% endif %}"
    return ""


_ENV_FOR_NEUTRAL = __import__("jinja2").Environment()
