"""`cdv migrer`'s careful way: a file rewritten through ruamel.yaml's round trip.

Used for every file that `migrate_text` (the quick way, on the text itself) is not sure of.
ruamel.yaml keeps the comments, the order of keys and the indentation; only what the conversion
changed is touched. Parsing and dumping a whole file costs about 0.1 s.
"""

from __future__ import annotations

import difflib
import io
import itertools
from pathlib import Path

from generator.ledger.migrate_edits import (
    OPERATIONS_COMMENT,
    OPERATIONS_MARK,
    Addition,
)
from generator.ledger.migrate_errors import MigrationError, ruamel_message


def rewrite(path: Path, text: str, changes: list) -> str:
    """The new text of `path` (which reads `text`) once `changes` are made."""
    try:
        yaml, doc = _load(text)
    except Exception as exc:  # ruamel.yaml is stricter than the reader of cdv valider
        raise MigrationError(ruamel_message(path, exc, text)) from None
    for change in changes:
        if isinstance(change, Addition):
            after = change.after if change.after in doc else None
            _insert_after(doc, after, change.key, _ruamel(change.value))
            if change.comment:
                doc.yaml_set_comment_before_after_key(change.key, before=change.comment)
        elif change.key is None:
            _apply(doc, change.old, change.new)
        else:
            _apply_key(doc, change.key, change.old, change.new)
    _comment_operations(doc)
    return _dump(yaml, doc)


def _yaml(mapping: int, sequence: int, offset: int):
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold the pilot's long lines
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml, doc) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _guess_indent(text: str) -> tuple[int | None, int | None]:
    """(sequence indent, dash offset) as ruamel.yaml.util.load_yaml_guess_indent guesses them,
    from the text alone (that function also loads the whole file, which costs as much as the
    migration's own load)."""
    map_indent = indent = offset = None
    previous_key = None
    key_indent = 0
    for line in text.splitlines():
        rline = line.rstrip()
        lline = rline.lstrip()
        if lline.startswith("- "):
            spaces = len(line) - len(line.lstrip(" "))
            offset = spaces - key_indent
            idx = spaces + 1
            while line[idx] == " ":
                idx += 1
            if line[idx] == "#":
                continue
            indent = idx - key_indent
            break
        if map_indent is None and previous_key is not None and rline:
            idx = 0
            while line[idx] in " -":
                idx += 1
            if idx > previous_key:
                map_indent = idx - previous_key
        if rline.endswith(":"):
            key_indent = len(line) - len(line.lstrip(" "))
            previous_key = key_indent
            continue
        previous_key = None
    if indent is None and map_indent is not None:
        indent = map_indent
    return indent, offset


def _load(text: str):
    """The file's round-trip tree and the ruamel settings that give it back unchanged (or with
    the fewest changes). Indentation only matters when dumping: the text is loaded once and
    dumped with each candidate until one gives the text back."""
    sequence, offset = _guess_indent(text)
    candidates = [(2, sequence or 4, offset or 0), (2, 4, 2), (2, 2, 0)]
    candidates += [c for c in itertools.product((2, 4), (2, 4, 6), (0, 2, 4)) if c[2] < c[1]]
    doc = _yaml(2, 4, 2).load(text)
    best = None
    for candidate in dict.fromkeys(candidates):
        yaml = _yaml(*candidate)
        try:
            again = _dump(yaml, doc)
        except Exception:
            continue
        if again == text:
            return yaml, doc
        changed = sum(
            1 for line in difflib.ndiff(text.splitlines(), again.splitlines()) if line[:1] in "+-"
        )
        if best is None or changed < best[0]:
            best = (changed, candidate)
    return _yaml(*(best[1] if best else (2, 4, 2))), doc


def _apply_key(node, key, old, new) -> None:
    if new is None and key in node:
        del node[key]
    elif isinstance(old, dict) and isinstance(new, dict) and isinstance(node.get(key), dict):
        _apply(node[key], old, new)
    elif isinstance(old, list) and isinstance(new, list) and isinstance(node.get(key), list):
        _apply(node[key], old, new)
    else:
        node[key] = _ruamel(new)


def _apply(node, old, new) -> None:
    """Change the ruamel tree `node` (which reads as `old`) into `new`, touching only what
    differs: comments and formatting of everything else stay."""
    if isinstance(new, dict):
        for key in [k for k in node if k not in new]:
            _delete(node, key)
        previous = None
        for key, value in new.items():
            if key not in node:
                _insert_after(node, previous, key, _ruamel(value))
            elif old.get(key) != value:
                _apply_key(node, key, old.get(key), value)
            previous = key
        return
    if isinstance(new, list):
        for index, value in enumerate(new):
            if index >= len(node):
                node.append(_ruamel(value))
            elif old[index] != value:
                if isinstance(value, dict | list) and type(old[index]) is type(value):
                    _apply(node[index], old[index], value)
                else:
                    node[index] = _ruamel(value)
        del node[len(new) :]


def _delete(node, key) -> None:
    """Remove a key, and the comment lines written just above it (they described it; the blank
    line before them stays)."""
    comments = getattr(node, "ca", None)
    keys = list(node)
    if comments is not None:
        comments.items.pop(key, None)
        position = keys.index(key)
        if position > 0:
            slots = comments.items.get(keys[position - 1])
            token = slots[2] if slots and len(slots) > 2 else None
            if token is not None and "#" in token.value:
                blank = token.value[: token.value.index("#")]
                blank = blank[: blank.rfind("\n") + 1]
                if blank:
                    token.value = blank
                else:
                    slots[2] = None
    del node[key]


def _insert_after(node, previous, key, value) -> None:
    keys = list(node)
    position = keys.index(previous) + 1 if previous in keys else len(keys)
    node.insert(position, key, value)


def _ruamel(value):
    """A plain value as ruamel nodes: small mappings of scalars on one line (`{annee: 2024,
    montant: 300000}`), lists of identifiers on one line, the rest in block style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap((k, _ruamel(v)) for k, v in value.items())
        if value and all(not isinstance(v, dict | list) for v in value.values()):
            if len(value) <= 5 and all(len(str(v)) < 40 for v in value.values()):
                node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        node = CommentedSeq(_ruamel(v) for v in value)
        if value and all(isinstance(v, str) and len(v) < 40 for v in value):
            node.fa.set_flow_style()
        return node
    return value


def _comment_operations(doc) -> None:
    financing = doc.get("financements") if hasattr(doc, "get") else None
    if not hasattr(financing, "yaml_set_comment_before_after_key"):
        return
    if "operations" in financing and OPERATIONS_MARK not in _comment_text(financing):
        financing.yaml_set_comment_before_after_key(
            "operations", before=OPERATIONS_COMMENT, indent=2
        )


def _comment_text(node) -> str:
    return str(getattr(node, "ca", ""))
