"""`cdv migrer`'s quick way: the changes written into the file's own text.

ruamel.yaml's round trip (`migrate_ruamel`) keeps comments and layout, but parsing and dumping a
whole file costs about 0.1 s, most of the migration of a territory. The changes of a migration
are few and local (a key removed, a block added, a value replaced), so they are made here on the
text, at the positions the YAML parser gives: every line not touched stays byte for byte, its
comments included. What is removed goes with the comment lines written just above it, as the
ruamel way does; new values are written in the same styles (short mappings of scalars and short
lists of names on one line, the rest in blocks indented as the file is).

Safety: the new text is parsed again and must read exactly as the changes say (the value of the
whole file is compared). An edit this module does not know how to make for sure (inside a flow
collection written `{…}` across lines, a key that shares its line with a dash…) or a text that
does not read back as expected gives None: the file then goes the ruamel way.
"""

from __future__ import annotations

import functools
import json
import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.ledger.migrate_edits import (
    OPERATIONS_COMMENT,
    OPERATIONS_MARK,
    Addition,
    expected_value,
)

_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_START = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW = set(",[]{}")
_BREAKS = re.compile("[\r\x85\u2028\u2029]")  # line breaks of YAML other than \n


class _Unsure(Exception):
    """An edit this module does not make with certainty: the file goes the ruamel way."""


def rewrite(text: str, changes: list, root: Node | None, value: object) -> str | None:
    """`text` (composed as `root`, reading `value`) with `changes` made, or None when that
    cannot be done for sure on the text."""
    from generator.description.yaml_reader import compose_text, node_value

    if not isinstance(root, MappingNode) or root.flow_style or _BREAKS.search(text):
        return None
    try:
        editor = _Editor(text, root)
        for change in changes:
            editor.make(change)
        new_text = editor.result()
        again = compose_text(new_text)
    except (_Unsure, yaml.YAMLError):
        return None
    if again is None or node_value(again, new_text) != expected_value(value, changes):
        return None
    return new_text


class _Editor:
    def __init__(self, text: str, root: MappingNode):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.root = root
        self.edits: list[tuple[int, int, int, str, int]] = []  # start, end, order, text, extend
        self.anchors: dict[tuple[int, str], int] = {}  # inserted key -> the line it follows
        self.sequence, self.dash_offset, self.mapping = _indents(root)
        self.registry_noted = OPERATIONS_MARK in text
        financing = self.value_of(root, "financements")
        self.financing = financing if isinstance(financing, MappingNode) else None

    # ------------------------------------------------------------------ changes

    def make(self, change) -> None:
        root = self.root
        if isinstance(change, Addition):
            keys = self.keys(root)
            after = change.after if change.after in keys else None
            self.insert_entry(root, after, change.key, change.value, change.comment)
        elif change.key is None:
            self.apply(root, change.old, change.new, _refuse)
        elif change.key in self.keys(root):
            index = self.keys(root).index(change.key)
            self.apply_key(root, index, change.old, change.new)
        elif change.new is not None:
            self.insert_entry(root, None, change.key, change.new)

    def apply(self, node: Node, old, new, replace) -> None:
        """Make `node` (which reads `old`) read `new`, touching only what differs."""
        if isinstance(new, dict) and isinstance(old, dict) and _block(node, MappingNode):
            keys = self.keys(node)
            for key in [k for k in keys if k not in new]:
                self.delete_entry(node, keys.index(key))
            previous = None
            for key, value in new.items():
                if key not in keys:
                    self.insert_entry(node, previous, key, value)
                elif old.get(key) != value:
                    self.apply_key(node, keys.index(key), old.get(key), value)
                previous = key
        elif isinstance(new, list) and isinstance(old, list) and _block(node, SequenceNode):
            for index, value in enumerate(new):
                if index >= len(node.value):
                    self.append_item(node, value)
                elif old[index] != value:
                    item = node.value[index]
                    again = isinstance(value, dict | list) and type(old[index]) is type(value)
                    if again:
                        self.apply(
                            item, old[index], value, lambda v, i=index: self.item(node, i, v)
                        )
                    else:
                        self.item(node, index, value)
            if len(new) < len(node.value):
                self.delete_items(node, len(new))
        else:
            replace(new)

    def apply_key(self, node: MappingNode, index: int, old, new) -> None:
        if new is None:
            self.delete_entry(node, index)
            return
        value = node.value[index][1]
        self.apply(value, old, new, lambda v: self.replace_entry(node, index, v))

    # ------------------------------------------------------------------ mapping entries

    def keys(self, node: MappingNode) -> list[str]:
        if not all(isinstance(k, ScalarNode) for k, _ in node.value):
            raise _Unsure
        return [k.value for k, _ in node.value]

    def value_of(self, node: MappingNode, key: str) -> Node | None:
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
        return None

    def entry_lines(self, node: MappingNode, index: int) -> tuple[int, int]:
        """First and last line of an entry; its key begins its line (after spaces only)."""
        key, value = node.value[index]
        line = key.start_mark.line
        if self.line(line)[: key.start_mark.column].strip():
            raise _Unsure  # « - key: » : the dash belongs to the item, not to this entry
        return line, self.last_line(value, key.start_mark.column, line)

    def delete_entry(self, node: MappingNode, index: int) -> None:
        first, last = self.entry_lines(node, index)
        if index > 0:  # the comment lines just above it described it (the blank ones stay)
            key, value = node.value[index - 1]
            previous = self.last_line(value, key.start_mark.column, key.start_mark.line)
            comments = [i for i in range(previous + 1, first) if self.is_comment(i)]
            first = comments[0] if comments else first
        extend = last
        if first > 0 and self.is_blank(first - 1):  # blank lines on both sides: keep one
            while extend + 1 < len(self.starts) and self.is_blank(extend + 1):
                extend += 1
        self.remove_lines(first, last, extend)

    def replace_entry(self, node: MappingNode, index: int, new) -> None:
        key, value = node.value[index]
        inline = self.inline(new)
        if inline is not None and self.is_inline(value, key.start_mark.line):
            self.edit(self.offset(value.start_mark), self.offset(value.end_mark), inline)
            return
        first, last = self.entry_lines(node, index)
        column = key.start_mark.column
        head = self.line(first)[:column]
        rest = self.line(first)[key.end_mark.column :]
        comment = ""
        if value.start_mark.line > first:
            after = rest.lstrip()[1:] if rest.lstrip().startswith(":") else ""
            if after.strip().startswith("#"):
                comment = after.rstrip()
        name = self.text[self.offset(key.start_mark) : self.offset(key.end_mark)]
        lines = self.render_entry(name, new, column, node is self.root)
        lines[0] = head + lines[0] + comment
        self.replace_lines(first, last, lines)

    def insert_entry(self, node: MappingNode, after, key: str, value, comment=None) -> None:
        if not node.value or not _block(node, MappingNode):
            raise _Unsure
        keys = self.keys(node)
        if (id(node), after) in self.anchors:  # after a key inserted just before
            last = self.anchors[(id(node), after)]
        else:
            last = self.entry_lines(node, keys.index(after) if after in keys else len(keys) - 1)[1]
        self.anchors[(id(node), key)] = last
        column = node.value[0][0].start_mark.column
        if node is self.financing and key == "operations" and not self.registry_noted:
            comment, self.registry_noted = OPERATIONS_COMMENT, True
        lines = [] if comment is None else _comment_lines(comment, column)
        if last + 1 < len(self.starts) and self.is_blank(last + 1):
            while lines and not lines[0]:
                del lines[0]
            lines.insert(0, "")  # the blank line that separated what follows stays above it
        entry = self.render_entry(_scalar(key, False), value, column, node is self.root)
        entry[0] = " " * column + entry[0]
        self.insert_after_line(last, lines + entry)

    # ------------------------------------------------------------------ sequence items

    def dash(self, node: SequenceNode, index: int) -> tuple[int, int, int]:
        """(line of the item's dash, column of the dash, column of the item's content)."""
        item = node.value[index]
        line, column = item.start_mark.line, node.start_mark.column
        text = self.line(line)
        if text[column : column + 1] != "-" or text[:column].strip():
            raise _Unsure
        return line, column, item.start_mark.column

    def item(self, node: SequenceNode, index: int, new) -> None:
        value = node.value[index]
        line, column, content = self.dash(node, index)
        inline = self.inline(new)
        if inline is not None and self.is_inline(value, line):
            self.edit(self.offset(value.start_mark), self.offset(value.end_mark), inline)
            return
        last = self.last_line(value, column, line)
        self.replace_lines(line, last, self.render_item(new, column, content))

    def append_item(self, node: SequenceNode, new) -> None:
        index = len(node.value) - 1
        line, column, content = self.dash(node, index)
        last = self.last_line(node.value[index], column, line)
        self.insert_after_line(last, self.render_item(new, column, content))

    def delete_items(self, node: SequenceNode, start: int) -> None:
        first = self.dash(node, start)[0]
        index = len(node.value) - 1
        line, column, _ = self.dash(node, index)
        last = self.last_line(node.value[index], column, line)
        self.remove_lines(first, last, last)

    # ------------------------------------------------------------------ rendering

    def inline(self, value, flow: bool = False) -> str | None:
        """`value` written on one line as the ruamel way writes it, or None for a block."""
        if isinstance(value, dict):
            if not value:
                return "{}"
            if all(not isinstance(v, dict | list) for v in value.values()):
                if len(value) <= 5 and all(len(str(v)) < 40 for v in value.values()):
                    pairs = (f"{_scalar(k, True)}: {_value(v, True)}" for k, v in value.items())
                    return "{" + ", ".join(pairs) + "}"
            return None
        if isinstance(value, list):
            if not value:
                return "[]"
            if all(isinstance(v, str) and len(v) < 40 for v in value):
                return "[" + ", ".join(_scalar(v, True) for v in value) + "]"
            return None
        return _value(value, flow)

    def render_entry(self, key: str, value, column: int, top: bool = False) -> list[str]:
        """« key: value » at `column` (its first line without the indentation)."""
        inline = self.inline(value)
        if value is None:
            return [f"{key}:"]
        if inline is not None:
            return [f"{key}: {inline}"]
        if isinstance(value, dict):
            lines = [f"{key}:"]
            inner = column + self.mapping
            for k, v in value.items():
                entry = self.render_entry(_scalar(k, False), v, inner)
                entry[0] = " " * inner + entry[0]
                if top and key == "financements" and k == "operations":
                    if not self.registry_noted:
                        lines += _comment_lines(OPERATIONS_COMMENT, inner)
                        self.registry_noted = True
                lines += entry
            return lines
        lines = [f"{key}:"]
        for item in value:
            lines += self.render_item(item, column + self.dash_offset, column + self.sequence)
        return lines

    def render_item(self, value, dash: int, content: int) -> list[str]:
        if content < dash + 2:
            raise _Unsure
        head = " " * dash + "- " + " " * (content - dash - 2)
        inline = self.inline(value)
        if inline is not None:
            return [head + inline]
        if not isinstance(value, dict):
            raise _Unsure  # a list in a list: the ruamel way
        lines = []
        for k, v in value.items():
            entry = self.render_entry(_scalar(k, False), v, content)
            entry[0] = " " * content + entry[0]
            lines += entry
        lines[0] = head + lines[0].lstrip(" ")
        return lines

    # ------------------------------------------------------------------ text

    def line(self, index: int) -> str:
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[index] : end]

    def is_blank(self, index: int) -> bool:
        return not self.line(index).strip()

    def is_comment(self, index: int) -> bool:
        return self.line(index).lstrip().startswith("#")

    def indent(self, index: int) -> int:
        text = self.line(index)
        return len(text) - len(text.lstrip(" "))

    def offset(self, mark) -> int:
        return self.starts[mark.line] + mark.column

    def is_inline(self, node: Node, line: int) -> bool:
        """The value is written on its key's (or dash's) line and ends there."""
        if node.start_mark.line != line or node.end_mark.line != line:
            return False
        if isinstance(node, ScalarNode):
            empty = node.start_mark.index == node.end_mark.index
            return not empty and node.style not in ("|", ">")
        return bool(node.flow_style)

    def last_line(self, node: Node, column: int, floor: int) -> int:
        """The last line that holds something of `node` (whose key or dash is at `column`)."""
        if isinstance(node, ScalarNode):
            if node.start_mark.index == node.end_mark.index:  # « key: » with nothing after
                return floor
            end = node.end_mark.line
            if node.end_mark.column == 0 and end > node.start_mark.line:
                end -= 1
            if node.style in ("|", ">"):
                while end > node.start_mark.line and (
                    self.is_blank(end) or (self.is_comment(end) and self.indent(end) <= column)
                ):
                    end -= 1
            return max(end, floor)
        if node.flow_style:
            return max(node.end_mark.line, floor)
        if not node.value:
            raise _Unsure
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            return self.last_line(value, key.start_mark.column, key.start_mark.line)
        last = node.value[-1]
        return self.last_line(last, node.start_mark.column, last.start_mark.line)

    def edit(self, start: int, end: int, text: str, extend: int | None = None) -> None:
        self.edits.append((start, end, len(self.edits), text, end if extend is None else extend))

    def remove_lines(self, first: int, last: int, extend: int) -> None:
        self.edit(self.starts[first], self._after(last), "", self._after(extend))

    def replace_lines(self, first: int, last: int, lines: list[str]) -> None:
        end = self._after(last)
        newline = end > 0 and self.text[end - 1 : end] == "\n"
        self.edit(self.starts[first], end, "\n".join(lines) + ("\n" if newline else ""))

    def insert_after_line(self, last: int, lines: list[str]) -> None:
        at = self._after(last)
        prefix = "" if at == 0 or self.text[at - 1] == "\n" else "\n"
        self.edit(at, at, prefix + "\n".join(lines) + "\n")

    def _after(self, line: int) -> int:
        """The offset just after `line` and its line break."""
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def result(self) -> str:
        inserts = [start for start, end, _, _, _ in self.edits if start == end]
        edits = []
        for start, end, order, text, extend in self.edits:
            # the blank lines after a removed entry go with it, unless something is inserted
            # there (they then separate it from what follows)
            if not any(end <= at <= extend for at in inserts):
                end = extend
            edits.append((start, end, order, text))
        edits.sort(key=lambda e: (e[0], e[0] != e[1], e[2]))
        out, position = [], 0
        for start, end, _, text in edits:
            if start < position:
                raise _Unsure  # two edits of one place
            out += [self.text[position:start], text]
            position = max(position, end)
        out.append(self.text[position:])
        return "".join(out)


def _indents(root: MappingNode) -> tuple[int, int, int]:
    """How the file indents, read from its nodes (not from lines that only look like YAML,
    such as « - » items inside a text): (content of a sequence item, its dash, a mapping
    entry), each from the column of the key above. The examples' (4, 2, 2) otherwise."""
    sequence = mapping = None
    stack = [root]
    while stack and (sequence is None or mapping is None):
        node = stack.pop()
        if isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
            continue
        if not isinstance(node, MappingNode):
            continue
        for key, value in node.value:
            below = value.start_mark.line > key.start_mark.line
            if sequence is None and _block(value, SequenceNode) and below:
                item = value.value[0]
                if item.start_mark.line == value.start_mark.line:
                    column = key.start_mark.column
                    sequence = (item.start_mark.column - column, value.start_mark.column - column)
            if mapping is None and _block(value, MappingNode) and below:
                mapping = value.value[0][0].start_mark.column - key.start_mark.column
        stack.extend(reversed([v for _, v in node.value]))
    content, dash = sequence if sequence and sequence[0] >= sequence[1] + 2 else (4, 2)
    return content, dash, mapping if mapping and mapping > 0 else 2


def _refuse(new) -> None:
    raise _Unsure


def _block(node: Node, kind: type) -> bool:
    return isinstance(node, kind) and not node.flow_style and bool(node.value)


def _comment_lines(comment: str, column: int) -> list[str]:
    return [(" " * column + "# " + line) if line else "" for line in comment.split("\n")]


def _value(value, flow: bool) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _scalar(value, flow)
    raise _Unsure


@functools.lru_cache(maxsize=4096)  # the same few texts come back (statuses, forms, names)
def _scalar(text: str, flow: bool) -> str:
    """A text as YAML: plain when it reads back as the same text, quoted otherwise."""
    printable = all(c >= " " and c not in "\x7f\ufeff" for c in text)
    if printable and _plain(text, flow):
        return text
    if printable:
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def _plain(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or text[0] in _PLAIN_START:
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and any(c in _FLOW for c in text):
        return False
    return _RESOLVER.resolve(ScalarNode, text, (True, False)) == _STR
