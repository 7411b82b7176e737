"""The JSON Schema of a description: loading it, walking it, and French messages for its errors."""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.description.problems import ERREUR, Path_, Problem

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
MAIN_SCHEMA = "contrat-de-ville.schema.json"
FORMAT_VERSION = 2


@lru_cache(maxsize=1)
def load_schema() -> dict:
    with open(SCHEMA_DIR / MAIN_SCHEMA, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def validator():
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(load_schema(), format_checker=FormatChecker())


def _for_fast_validator(node):
    """Copy of the schema where `$ref` siblings still apply under draft-07 rules."""
    if isinstance(node, list):
        return [_for_fast_validator(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _for_fast_validator(v) for k, v in node.items() if k != "$schema"}
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out


@lru_cache(maxsize=1)
def fast_validator():
    """A compiled validator that answers « valid or not » quickly (no error list)."""
    import fastjsonschema

    schema = _for_fast_validator(load_schema())
    schema["definitions"] = schema.get("$defs", {})
    return fastjsonschema.compile(schema, formats={"date": _is_date})


def _is_date(value: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def resolve(node: dict) -> dict:
    """Follow a local `$ref`, keeping the referring node's own title and description."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = node["$ref"]
        target = load_schema()
        for part in ref.split("#/", 1)[1].split("/"):
            target = target[part]
        merged = dict(target)
        for key, value in node.items():
            if key != "$ref":
                merged[key] = value
        node = merged
        seen += 1
    return node


def subschema(path: Path_) -> dict | None:
    """The schema node describing the value at `path`, or None if the path leaves the schema."""
    node = resolve(load_schema())
    for part in path:
        if isinstance(part, int):
            items = node.get("items")
            if not isinstance(items, dict):
                return None
            node = resolve(items)
            continue
        props = node.get("properties", {})
        if part in props:
            node = resolve(props[part])
        elif isinstance(node.get("additionalProperties"), dict):
            node = resolve(node["additionalProperties"])
        else:
            return None
    return node


def title(path: Path_) -> str:
    node = subschema(path)
    return (node or {}).get("title", "") if node else ""


def labels(path: Path_) -> dict[str, str]:
    """The French labels of an enumeration (`x-libelles`), if the field has one."""
    node = subschema(path) or {}
    return dict(node.get("x-libelles", {}))


_TYPE_NAMES = {
    "string": "un texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "array": "une liste (chaque élément sur une ligne commençant par « - »)",
    "object": "un tableau de clés (« clé: valeur », une par ligne)",
    "null": "une valeur vide",
}

_PATTERN_MESSAGES = {
    "code_qpv": "« {v} » n'est pas un code QPV : il s'écrit QN, le département sur trois "
    "caractères, deux chiffres et une lettre (exemple : QN06001M)",
    "code_insee": "« {v} » n'est pas un code INSEE de commune : cinq caractères, entre "
    'guillemets (exemple : "02691")',
    "siren": '« {v} » n\'est pas un numéro SIREN : neuf chiffres, entre guillemets (exemple : "200068047")',
    "identifiant": "« {v} » n'est pas un identifiant valable : minuscules sans accent, chiffres "
    "et tirets, sans espace (exemple : commune-creil)",
    "date": "« {v} » n'est pas une date au format AAAA-MM-JJ (exemple : 2024-03-15)",
}


def _def_name(pattern: str) -> str:
    defs = load_schema()["$defs"]
    for name in _PATTERN_MESSAGES:
        if defs[name].get("pattern") == pattern:
            return name
    return ""


def _describe(value: Any) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return f"la valeur {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"le nombre {value}"
    if isinstance(value, str):
        return f"le texte « {value[:60]} »"
    if isinstance(value, list):
        return "une liste"
    return "un tableau de clés"


_FRENCH_NUMBER = re.compile(r"-?[0-9]{1,3}([ \u00a0\u202f.][0-9]{3})*(,[0-9]+)?|-?[0-9]+,[0-9]+")


def french_number_hint(value: str) -> str:
    """« écrivez 150000.50 » for a number written the French way as text, else ''."""
    text = value.strip().removesuffix("€").strip()
    if not _FRENCH_NUMBER.fullmatch(text):
        return ""
    digits = re.sub(r"[ \u00a0\u202f.]", "", text).replace(",", ".")
    return f" ; écrivez {digits} (en chiffres, sans espace, un point avant les centimes)"


def _closest(word: str, choices: list[str]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def _spaced(number) -> str:
    """`10000000000` as `10 000 000 000`, readable in a message."""
    if isinstance(number, float) and not number.is_integer():
        return str(number)
    return f"{int(number):,}".replace(",", " ")


def schema_problems(desc) -> list[Problem]:
    """Validate `desc.data` against the schema; every error becomes a located French Problem."""
    problems: list[Problem] = []
    try:  # the common case, a valid description, is settled by the compiled validator
        fast_validator()(desc.data)
        return problems
    except Exception:  # JsonSchemaException, or anything the fast path cannot handle
        pass
    # values the loader already refused (a NaN, a huge number, a forbidden tag) are not
    # reported a second time by the schema
    refused = {p.path for p in desc.problems if p.path and p.is_error}
    errors = list(validator().iter_errors(desc.data))
    bad_pattern = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    for error in errors:
        path = tuple(error.absolute_path)
        if any(path[: len(r)] == r for r in refused):
            continue
        if error.validator == "format" and path in bad_pattern:
            continue  # `12/03/2024`: one problem (the form), not also « date impossible »
        if error.validator == "required" and not path and desc.unreadable:
            continue  # the missing sections are probably in the file that could not be read
        problems.extend(_translate(desc, error, path))
    return problems


def misspelt_sections(desc) -> set[str]:
    """Sections absent from the description whose name is close to an unknown top-level key."""
    known = list(load_schema().get("properties", {}))
    data = desc.data if isinstance(desc.data, dict) else {}
    found = set()
    for key in data:
        if key in known or not isinstance(key, str):
            continue
        guess = _closest(key, known)
        if guess and guess not in data:
            found.add(guess)
    return found


def missing_value_message(label: str, value) -> str:
    """A value that is neither a number nor a marker of missing data: say what to write."""
    from generator.description.missing import MISSING, choices, close_marker

    name = label or "valeur"
    if isinstance(value, str):
        code = close_marker(value)
        if code:
            printed = MISSING[code][0]
            return f"{name} : écrivez {code} (imprimé « {printed} »), pas « {value} »"
        hint = re.search(r"écrivez (\S+)", french_number_hint(value))
        if hint:
            return (
                f"{name} : un nombre est attendu, pas le texte « {value} » ; écrivez "
                f"{hint.group(1)} (en chiffres, sans espace, un point pour la virgule)"
            )
    return (
        f"{name} : un nombre est attendu, pas {_describe(value)} ; si la donnée manque, "
        f"écrivez {choices()}"
    )


def translate_error(desc, error, path: Path_, title_of=None) -> list[Problem]:
    """One jsonschema error as located French problems; `title_of(path)` gives the French title
    of a field (default: the description's schema; the follow-up passes its own)."""
    return _translate(desc, error, path, title_of)


def _translate(desc, error, path: Path_, title_of=None) -> list[Problem]:
    kind = error.validator
    value = error.instance
    if "propertyNames" in error.absolute_schema_path:  # a key is wrong, not the mapping
        kind = "propertyNames"
    schema = error.schema if isinstance(error.schema, dict) else {}
    label = (title_of or title)(path) or schema.get("title", "")

    def at(message: str, where: Path_ = path, key: bool = False) -> list[Problem]:
        return [desc.problem(ERREUR, where, message, key=key)]

    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        out = []
        for key in sorted(k for k in value if k not in allowed):
            guess = _closest(key, allowed)
            hint = (
                f"vouliez-vous dire « {guess} » ?"
                if guess
                else "clés possibles ici : " + ", ".join(allowed)
            )
            out += at(f"clé inconnue « {key} » : {hint}", path + (key,), key=True)
        return out
    if kind == "required":
        missing = error.validator_value
        names = [m for m in missing if isinstance(value, dict) and m not in value]
        out = []
        props = schema.get("properties", {})
        for name in names:
            sub = resolve(props.get(name, {}))
            what = f" ({sub['title']})" if sub.get("title") else ""
            out += at(f"champ obligatoire « {name} »{what} manquant")
        return out
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        wanted = " ou ".join(_TYPE_NAMES.get(t, t) for t in expected)
        message = f"{label or 'valeur'} : {wanted} est attendu, pas {_describe(value)}"
        raw = desc.raw.get(path)
        if "string" in expected and raw is not None:
            message = (
                f'{label or "valeur"} : écrivez-le entre guillemets, "{raw}" ; sans guillemets, '
                f"YAML l'a lu comme {_describe(value)}"
            )
            if raw.isdigit() and raw.startswith("0") and str(value) != raw:
                message += " (le zéro initial est perdu)"
        elif isinstance(value, str) and {"number", "integer"} & set(expected):
            message += french_number_hint(value)
        elif value is None and "object" in expected:
            message = f"{label or 'section'} vide : complétez-la ou supprimez la ligne"
        elif value is None and "array" in expected:
            message = (
                f"{label or 'liste'} vide : ajoutez des éléments « - … » ou supprimez la ligne"
            )
        return at(message)
    if kind == "anyOf" and schema.get("x-manquant"):
        if isinstance(value, int | float) and not isinstance(value, bool):
            for sub in error.context:  # a number out of bounds: said as for any number
                if sub.validator in ("maximum", "minimum"):
                    return _translate(desc, sub, path)
        return at(missing_value_message(label, value))
    if kind == "enum" and path == ("format",):
        return at(
            f"version de format « {value} » inconnue : cet outil lit le format {FORMAT_VERSION} "
            "(et le format 1, à convertir avec « cdv migrer »)"
        )
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        guess = _closest(str(value), choices)
        hint = f"vouliez-vous dire « {guess} » ? " if guess else ""
        if value is None:  # `type:` left empty: YAML reads null, the pilot wrote nothing
            return at(f"{label or 'valeur'} vide ; valeurs possibles : {', '.join(choices)}")
        shown = _describe(value) if isinstance(value, bool | list | dict) else f"« {value} »"
        return at(
            f"{shown} n'est pas une valeur possible pour {label or 'ce champ'} ; {hint}"
            f"valeurs possibles : {', '.join(choices)}"
        )
    if kind == "const":
        if path == ("format",):
            return at(
                f"version de format « {value} » inconnue : cet outil lit le format {FORMAT_VERSION}"
            )
        return at(f"{label or 'valeur'} : {error.validator_value} est attendu, pas {value}")
    if kind == "pattern":
        name = _def_name(error.validator_value)
        template = _PATTERN_MESSAGES.get(name)
        if template:
            message = template.format(v=value)
            fixed = value.strip().upper() if isinstance(value, str) else ""
            if fixed != value and re.fullmatch(error.validator_value, fixed):
                message = f"« {value} » : écrivez {fixed} (en majuscules, sans espace)"
            return at(message)
        if path and path[-1] == "courriel":
            return at(f"« {value} » n'est pas une adresse électronique")
        return at(f"« {value} » n'a pas la forme attendue pour {label or 'ce champ'}")
    if kind == "propertyNames":
        message = _PATTERN_MESSAGES["code_qpv"].format(v=value)
        fixed = value.strip().upper() if isinstance(value, str) else ""
        if fixed != value and re.fullmatch(load_schema()["$defs"]["code_qpv"]["pattern"], fixed):
            message = f"« {value} » : écrivez {fixed} (en majuscules, sans espace)"
        return at(message, path + (value,), key=True)
    if kind == "format":
        return at(f"date impossible « {value} » : vérifiez le jour et le mois (AAAA-MM-JJ)")
    if kind in ("maximum", "exclusiveMaximum"):
        bound = _spaced(error.validator_value)
        return at(
            f"{label or 'valeur'} : {_spaced(value)} est trop grand (au plus {bound}) ; "
            "vérifiez le nombre de chiffres"
        )
    if kind in ("minimum", "exclusiveMinimum") and error.validator_value not in (0, -0.0):
        bound = _spaced(error.validator_value)
        return at(f"{label or 'valeur'} : {_spaced(value)} est trop petit (au moins {bound})")
    if kind in ("minimum", "exclusiveMinimum"):
        if schema.get("title") == "Montant en euros" or (path and "montant" in str(path[-1])):
            return at(f"{label} : montant négatif ({value}) ; un montant est positif ou nul")
        return at(
            f"{label or 'valeur'} : {value} est négatif ; une valeur positive ou nulle est attendue"
        )
    if kind == "minItems":
        return at(f"{label or 'liste'} : au moins {error.validator_value} élément(s) attendu(s)")
    if kind == "minLength":
        return at(f"{label or 'texte'} vide : écrivez un texte ou supprimez la ligne")
    return at(f"{label or 'valeur'} : {error.message}")
