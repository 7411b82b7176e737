"""Read one description file: its bytes checked as UTF-8 text, its YAML turned into plain values.

Safe loading only: the YAML is composed into nodes (nothing is constructed from tags) and
converted by hand, which lets us reject duplicate keys, keep the raw text of every scalar
(to explain `01053` read as the octal number 555) and bound alias expansion.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Protocol

import yaml

from generator.description.characters import forbidden_character, strip_forbidden
from generator.description.file_text import MAX_FILE_BYTES, os_reason, read_text
from generator.description.problems import ERREUR, Location, Path_, Problem

try:  # libyaml is much faster; the pure-Python parser gives the same nodes
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

MAX_NODES = 500_000
MAX_DEPTH = 60

_T = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_T + "str", _T + "int", _T + "float", _T + "bool", _T + "null", _T + "timestamp"}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
# the reading of a file as text lives in `file_text`; its names stay importable from here
__all__ = ["MAX_FILE_BYTES", "os_reason", "parse_file", "read_text"]


class Sink(Protocol):
    """Where a file's values are recorded (a `Description` of `load`): problems, locations of
    values and keys, raw text of non-text scalars."""

    problems: list[Problem]
    locations: dict[Path_, Location]
    key_locations: dict[Path_, Location]
    raw: dict[Path_, str]


class _Abort(Exception):
    """Stops the conversion of one file; carries the problem to report."""

    def __init__(self, problem: Problem):
        self.problem = problem


class _Converter:
    """Turns composed YAML nodes into plain Python values, recording locations."""

    def __init__(self, file: str, desc: Sink, prefix: Path_, text: str = ""):
        self.file = file
        self.text = text
        self.desc = desc
        self.prefix = prefix
        self.count = 0

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def error(self, node: yaml.Node, path: Path_, message: str) -> None:
        loc = self.loc(node)
        self.desc.problems.append(Problem(ERREUR, message, loc.file, loc.line, loc.column, path))

    def convert(self, node: yaml.Node, path: Path_, depth: int = 0):
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            loc = self.loc(node)
            raise _Abort(
                Problem(
                    ERREUR,
                    "structure trop grande ou trop profonde (ancres et alias « & * » "
                    "démultipliés, ou alias qui se contient lui-même ?) : le fichier n'est pas lu ; "
                    "écrivez les valeurs en clair plutôt qu'avec des alias",
                    loc.file,
                    loc.line,
                    loc.column,
                    path,
                )
            )
        full = self.prefix + path
        self.desc.locations[full] = self.loc(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path, full)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _T + "seq":
                self.bad_tag(node, path)
                return None
            return [self.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if node.tag != _T + "map":
            self.bad_tag(node, path)
            return None
        return self.mapping(node, path, depth)

    def mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict:
        result: dict = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(
                    key_node, path, "une clé doit être un simple mot, pas une liste ni un tableau"
                )
                continue
            key = self.text_value(key_node, path)
            if key in first_seen:
                first = first_seen[key]
                self.error(
                    key_node,
                    path + (key,),
                    f"clé « {key} » en double : elle est déjà écrite ligne "
                    f"{first.start_mark.line + 1} ; YAML ne garderait que la dernière valeur "
                    "et perdrait l'autre : fusionnez les deux ou supprimez l'une d'elles",
                )
                continue
            first_seen[key] = key_node
            self.desc.key_locations[self.prefix + path + (key,)] = self.loc(key_node)
            result[key] = self.convert(value_node, path + (key,), depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode, path: Path_, full: Path_):
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            self.bad_tag(node, path)
            return None
        if tag == _T + "str":
            return self.text_value(node, path)
        if tag == _T + "null":
            return None
        self.desc.raw[full] = node.value
        if tag == _T + "timestamp":  # dates stay text: the schema checks their format
            return node.value
        if tag == _T + "bool":
            return _CONSTRUCTOR.construct_yaml_bool(node)
        if tag == _T + "int":
            try:
                return _CONSTRUCTOR.construct_yaml_int(node)
            except ValueError:  # more digits than Python converts (4,300)
                self.error(
                    node, path, f"nombre trop long ({len(node.value)} chiffres) : vérifiez-le"
                )
                return None
        value = _CONSTRUCTOR.construct_yaml_float(node)
        if not math.isfinite(value):
            self.error(node, path, f"« {node.value} » n'est pas un nombre utilisable")
            return None
        return value

    def text_value(self, node: yaml.ScalarNode, path: Path_) -> str:
        """A text scalar; a character no description may hold is refused where it stands
        (and removed, so that even a draft never carries it into a document)."""
        value = node.value
        found = forbidden_character(value)
        if found is None:
            return value
        offset, message = found
        line, column = self.loc(node)[1:]
        # in a plain or block text the character is written as it is: point at it; in a
        # quoted text it may be an escape (« \\uFFFF »): point at the text
        start, end = node.start_mark.index, node.end_mark.index
        at = self.text.find(value[offset], start, end) if self.text else -1
        if at >= 0:
            line = self.text.count("\n", 0, at) + 1
            column = at - (self.text.rfind("\n", 0, at) + 1) + 1
        self.desc.problems.append(Problem(ERREUR, message, self.file, line, column, path))
        return strip_forbidden(value)

    def bad_tag(self, node: yaml.Node, path: Path_) -> None:
        tag = node.tag.replace(_T, "!!")
        self.error(
            node,
            path,
            f"étiquette YAML « {tag} » refusée : une description ne contient que des textes, "
            "des nombres, des listes et des tableaux ; rien n'y est exécuté. Supprimez l'étiquette",
        )


def parse_file(path: Path, desc: Sink, prefix: Path_ = ()) -> tuple[bool, object]:
    """Parse one file into a value; problems go to `desc`. Returns (ok, value)."""
    text, problem = read_text(path)
    if problem is not None:
        desc.problems.append(problem)
        return False, None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        desc.problems.append(_syntax_problem(str(path), exc, text))
        return False, None
    except yaml.reader.ReaderError as exc:
        # libyaml counts its position in bytes: the reader stops at the first such character
        position = text.find(chr(exc.character))
        position = exc.position if position < 0 else position
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        found = forbidden_character(chr(exc.character))
        desc.problems.append(
            Problem(
                ERREUR,
                found[1]
                if found
                else f"caractère de contrôle invisible U+{exc.character:04X} (copié depuis Word "
                "ou un PDF ?) : supprimez-le ; pour un saut de page ou de ligne, utilisez une "
                "ligne vide",
                str(path),
                line,
                column,
            )
        )
        return False, None
    except yaml.YAMLError:  # pragma: no cover - every parser error is marked
        desc.problems.append(Problem(ERREUR, f"syntaxe YAML : {_SYNTAX_FALLBACK}", str(path), 1, 1))
        return False, None
    if node is None:
        desc.problems.append(
            Problem(
                ERREUR,
                "fichier vide : il ne contient aucune donnée (seulement des commentaires ou "
                "rien du tout) ; complétez-le ou supprimez-le",
                str(path),
                1,
                1,
            )
        )
        return False, None
    converter = _Converter(str(path), desc, prefix, text)
    try:
        return True, converter.convert(node, ())
    except _Abort as abort:
        desc.problems.append(abort.problem)
        return False, None


def compose_text(text: str) -> yaml.Node | None:
    """The composed nodes of a text (positions of every key and value), as `parse_file` reads
    them; raises yaml.YAMLError on a syntax error."""
    return yaml.compose(text, Loader=_Loader)


def node_value(node: yaml.Node, text: str = "") -> object:
    """The plain value of composed nodes, exactly as `parse_file` gives it (its problems are
    dropped): `cdv migrer` checks with it that a rewritten text reads as intended."""
    from types import SimpleNamespace

    sink = SimpleNamespace(problems=[], locations={}, key_locations={}, raw={})
    return _Converter("", sink, (), text).convert(node, ())


# English problem of PyYAML/libyaml -> French explanation.
_SYNTAX_MESSAGES = [
    (
        "tab",
        "tabulation dans l'indentation : YAML n'accepte que des espaces ; remplacez chaque "
        "tabulation par des espaces (réglage de l'éditeur : « indenter avec des espaces »)",
    ),
    (
        "mapping values are not allowed",
        "deux-points inattendu : si la valeur contient « : », mettez-la entre guillemets ; "
        "sinon vérifiez l'indentation de cette ligne et de la précédente",
    ),
    (
        "could not find expected ':'",
        "deux-points attendu : chaque ligne d'un tableau s'écrit « clé: valeur » ; "
        "un texte sur plusieurs lignes s'écrit après « | »",
    ),
    (
        "did not find expected key",
        "indentation incohérente : cette ligne n'est pas alignée avec les clés de son bloc",
    ),
    (
        "expected <block end>",
        "indentation incohérente : cette ligne n'est pas alignée avec les lignes de son bloc",
    ),
    (
        "did not find expected '-' indicator",
        "indentation incohérente dans une liste : chaque élément commence par « - » au même retrait",
    ),
    (
        "while scanning a quoted scalar",
        "guillemet non refermé : le texte commencé ici n'a pas de guillemet fermant",
    ),
    (
        "found unexpected end of stream",
        "fin de fichier inattendue : un guillemet, un crochet ou une accolade n'est pas refermé",
    ),
    (
        "found unknown escape character",
        "séquence « \\ » inconnue dans un texte entre guillemets doubles : utilisez des "
        "guillemets simples ' ou doublez la barre oblique inverse",
    ),
    ("found undefined alias", "alias « * » vers une ancre « & » qui n'existe pas"),
    (
        "control characters are not allowed",
        "caractère de contrôle invisible (copié depuis Word ou un PDF ?) : supprimez-le",
    ),
    (
        "unacceptable character",
        "caractère de contrôle invisible (copié depuis Word ou un PDF ?) : supprimez-le",
    ),
    (
        "expected a single document",
        "le fichier contient plusieurs documents YAML séparés par « --- » : un seul est attendu",
    ),
    (
        "but found another document",
        "le fichier contient plusieurs documents YAML séparés par « --- » : un seul est attendu",
    ),
    (
        "found character that cannot start any token",
        "caractère inattendu en début de valeur (« @ », « ` », « % » ou tabulation) : "
        "mettez la valeur entre guillemets",
    ),
    ("found character '@'", "une valeur ne peut commencer par « @ » : mettez-la entre guillemets"),
    ("found character '`'", "une valeur ne peut commencer par « ` » : mettez-la entre guillemets"),
    (
        "expected ',' or ']'",
        "liste entre crochets mal fermée : séparez les éléments par des virgules et fermez par « ] »",
    ),
    (
        "expected ',' or '}'",
        "tableau entre accolades mal fermé : séparez les éléments par des virgules et fermez par « } »",
    ),
    (
        "expected alphabetic or numeric character",
        "ancre ou alias « & * » sans nom : mettez la valeur entre guillemets",
    ),
    (
        "found unexpected ':'",
        "deux-points inattendu : mettez la valeur entre guillemets",
    ),
    (
        "while scanning a block scalar",
        "texte sur plusieurs lignes mal ouvert : « | » ou « > » se suit seulement d'un retour à "
        "la ligne (ou de « - » ou « + ») ; le texte commence à la ligne suivante, en retrait",
    ),
    (
        "while scanning a directive",
        "ligne commençant par « % » : YAML la lit comme une directive ; mettez la valeur entre "
        "guillemets, ou supprimez la ligne",
    ),
    (
        "found incompatible YAML document",
        "directive « %YAML » d'une version inconnue : supprimez cette ligne",
    ),
    (
        "while scanning a tag",
        "valeur commençant par « ! » : YAML la lit comme une étiquette ; mettez la valeur entre "
        "guillemets",
    ),
    (
        "found duplicate anchor",
        "deux ancres « & » portent le même nom : donnez un nom différent à chacune",
    ),
    (
        "expected <document start>",
        "texte après la fin du document (« ... ») : supprimez la ligne « ... » ou ce qui la suit",
    ),
    (
        "expected node content",
        "valeur manquante ou caractère inattendu (« ] », « } », « , ») en début de valeur : "
        "mettez la valeur entre guillemets",
    ),
    (
        "block sequence entries are not allowed",
        "élément de liste « - » inattendu : mettez-le à la ligne suivante, en retrait sous sa clé",
    ),
]

# A parser problem none of the entries above explains: French, without the parser's English.
_SYNTAX_FALLBACK = (
    "syntaxe YAML invalide à cet endroit : vérifiez l'indentation (des espaces, alignés), les "
    "guillemets et les deux-points de cette ligne et de la précédente ; un texte qui contient "
    "« : », « # » ou commence par un signe se met entre guillemets"
)


def syntax_reason(exc: yaml.YAMLError) -> str:
    """The French reason of a PyYAML error (for files read outside a description: the
    template set's manifest, its glossary), with its line when the parser gives one."""
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = _syntax_problem("", exc, "")
        return f"ligne {problem.line}, colonne {problem.column} : {problem.message}"
    return "syntaxe YAML : " + _SYNTAX_FALLBACK


def syntax_problem(file: str, exc, text: str) -> Problem:
    """The located French problem of a parser error (PyYAML's, or ruamel.yaml's, which has
    the same context, problem and marks)."""
    return _syntax_problem(file, exc, text)


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    context = exc.context or ""
    if context.startswith("while scanning a quoted scalar") and exc.context_mark:
        mark = exc.context_mark  # where the unclosed quote opens, not the end of the file
    if context.startswith("while scanning a simple key") and exc.context_mark:
        mark = exc.context_mark  # the line that lacks its « : », not the next one
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    english = f"{context} {exc.problem or ''}"
    for needle, french in _SYNTAX_MESSAGES:
        if needle in english:
            message = french
            break
    else:
        message = _SYNTAX_FALLBACK
    opening = exc.context_mark
    if context.startswith("while parsing a flow") and opening and opening.line + 1 != line:
        bracket = "[" if "sequence" in context else "{"
        message += f" (« {bracket} » ouvert ligne {opening.line + 1})"
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1][: max(column, 1)]:
        column = lines[line - 1].index("\t") + 1
        message = (
            _SYNTAX_MESSAGES[0][1]
            if not lines[line - 1][: column - 1].strip()
            else "tabulation dans la ligne (avant un commentaire ?) : YAML n'accepte que des "
            "espaces ; remplacez-la par des espaces"
        )
    else:
        found = _quote_mistake(lines, line)
        if found is not None:
            line, column, message = found
    return Problem(ERREUR, f"syntaxe YAML : {message}", file, line, column)


# `clé: 'texte` or `- "texte`: a value that opens with a quote
_QUOTED_VALUE = re.compile(r"^(\s*(?:-\s+)*(?:[^\s'\"#][^:#]*:\s+)?)(['\"])(.*)$")


def _quote_mistake(lines: list[str], line: int) -> tuple[int, int, str] | None:
    """An apostrophe inside a text between apostrophes (`'le président de l'EPCI'`), or a
    quote never closed, on the line of the error or just above it: French text meets both
    constantly, and YAML reports them later as an indentation error."""
    for number in range(min(line, len(lines)), max(0, line - 4), -1):
        match = _QUOTED_VALUE.match(lines[number - 1])
        if not match:
            continue
        lead, quote, rest = match.groups()
        close = _closing_quote(rest, quote)
        opening = len(lead) + 1
        if close is None:
            return (
                number,
                opening,
                f"guillemet non refermé : le texte commencé ici par {quote} n'a pas de {quote} "
                f"fermant sur sa ligne ; ajoutez-le à la fin du texte",
            )
        after = rest[close + 1 :].strip()
        if after and not after.startswith("#"):
            inner = opening + 1 + close
            if quote == "'":
                word = rest[max(0, close - 1) : close + 1]
                return (
                    number,
                    inner,
                    f"apostrophe dans un texte entre apostrophes : YAML croit que le texte "
                    f"s'arrête à « {word} » ; doublez l'apostrophe ({word}'{after.split()[0].strip(quote)}), ou "
                    'entourez le texte de guillemets doubles "…", ou n\'en mettez pas du tout',
                )
            return (
                number,
                inner,
                "guillemet double dans un texte entre guillemets doubles : YAML croit que le "
                "texte s'arrête là ; écrivez \\\" pour ce guillemet, ou entourez le texte "
                "d'apostrophes '…', ou utilisez les guillemets français « »",
            )
    return None


def _closing_quote(rest: str, quote: str) -> int | None:
    index = 0
    while index < len(rest):
        char = rest[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and rest[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return None
