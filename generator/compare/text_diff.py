"""Diff two text models of Word documents (see `docx_text`): changes grouped by section, each
replaced block compared word by word.

The diff works in two passes: the sections are aligned by their headings, then the blocks of
each pair of sections (or of a run of sections that changed) are aligned with difflib; blocks
that were replaced are paired by similarity and compared word by word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.compare.docx_text import CELL, HEADING, Block, DocText, read_text

# Kinds of changes
ADDED, REMOVED, CHANGED = "added", "removed", "changed"


# --------------------------------------------------------------------------- word diff

# Numbers with French digit grouping (« 120 000 », « 1 234,50 ») or decimals (« 0.3 ») are one
# token, so an amount reads as replaced whole rather than digit group by digit group.
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)+"
_TOKEN = re.compile(_NUMBER + r"|\s+|\w+|[^\w\s]")
EQUAL, DELETE, INSERT = "=", "-", "+"


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_ops(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op '=' kept, '-' deleted, '+' inserted; joins back to old and new."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append((EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append((DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            ops.append((INSERT, "".join(b[j1:j2])))
    return _tidy(ops)


def _tidy(ops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Fold a lone space between two changes into them, then merge neighbours of one kind."""
    result: list[tuple[str, str]] = []
    for i, (op, text) in enumerate(ops):
        if (
            op == EQUAL
            and text.isspace()
            and 0 < i < len(ops) - 1
            and ops[i - 1][0] != EQUAL
            and ops[i + 1][0] != EQUAL
        ):
            result.extend([(DELETE, text), (INSERT, text)])
        else:
            result.append((op, text))
    # regroup: within a run of changes, all deletions first, then all insertions
    grouped: list[tuple[str, str]] = []
    run_del: list[str] = []
    run_ins: list[str] = []
    for op, text in result + [(EQUAL, "")]:
        if op == DELETE:
            run_del.append(text)
        elif op == INSERT:
            run_ins.append(text)
        else:
            if run_del:
                grouped.append((DELETE, "".join(run_del)))
            if run_ins:
                grouped.append((INSERT, "".join(run_ins)))
            run_del, run_ins = [], []
            if text:
                grouped.append((EQUAL, text))
    return grouped


def similarity(old: str, new: str, floor: float = 0.25) -> float:
    """Likeness of two texts, word by word, from 0 to 1; 0 when surely below `floor`."""
    a, b = tokens(old), tokens(new)
    if not a and not b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


# --------------------------------------------------------------------------- document diff


@dataclass
class BlockChange:
    kind: str  # ADDED, REMOVED, CHANGED
    block_kind: str  # HEADING, PARAGRAPH, CELL
    label: str
    old: str = ""
    new: str = ""
    ops: list[tuple[str, str]] = field(default_factory=list)

    @property
    def counts(self) -> tuple[int, int]:
        """(words deleted, words inserted)."""
        if self.kind == ADDED:
            return 0, _words(self.new)
        if self.kind == REMOVED:
            return _words(self.old), 0
        return (
            sum(_words(t) for op, t in self.ops if op == DELETE),
            sum(_words(t) for op, t in self.ops if op == INSERT),
        )


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@dataclass
class SectionDiff:
    title: str
    changes: list[BlockChange] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


@dataclass
class DocDiff:
    old_name: str
    new_name: str
    sections: list[SectionDiff] = field(default_factory=list)

    @property
    def changes(self) -> list[BlockChange]:
        return [c for s in self.sections for c in s.changes]

    @property
    def identical(self) -> bool:
        return not self.sections

    def count(self, kind: str) -> int:
        return sum(s.count(kind) for s in self.sections)


MAX_PAIRING = 80  # above this many blocks on a side, replaced blocks are paired in order


def _pair(old: list[Block], new: list[Block]) -> list[tuple[int | None, int | None]]:
    """Monotonic pairing of replaced blocks that maximises their total similarity."""
    n, m = len(old), len(new)
    if n == m == 1 and old[0].kind == new[0].kind:
        return [(0, 0)]  # one block replaced by one block, in the same place: a modification
    if n > MAX_PAIRING or m > MAX_PAIRING:
        pairs: list[tuple[int | None, int | None]] = []
        for k in range(max(n, m)):
            i = k if k < n else None
            j = k if k < m else None
            if i is not None and j is not None and old[i].kind != new[j].kind:
                pairs.extend([(i, None), (None, j)])
            else:
                pairs.append((i, j))
        return pairs
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    sims: dict[tuple[int, int], float] = {}
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if old[i].kind == new[j].kind:
                # headings and cells pair on a looser likeness: their place says a lot
                threshold = 0.3 if old[i].kind in (CELL, HEADING) else 0.5
                sim = similarity(old[i].text, new[j].text, threshold)
                if sim >= threshold:
                    sims[i, j] = sim
                    best = max(best, score[i + 1][j + 1] + sim)
            score[i][j] = best
    pairs = []
    i = j = 0
    while i < n and j < m:
        if (i, j) in sims and score[i][j] == score[i + 1][j + 1] + sims[i, j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs.extend((k, None) for k in range(i, n))
    pairs.extend((None, k) for k in range(j, m))
    return _pair_neighbours(pairs, old, new)


def _pair_neighbours(pairs, old: list[Block], new: list[Block]):
    """A block removed right where one of its kind is added, sharing words: a modification."""
    out: list[tuple[int | None, int | None]] = []
    k = 0
    while k < len(pairs):
        if k + 1 < len(pairs):
            (i, j), (i2, j2) = pairs[k], pairs[k + 1]
            removed_added = j is None and i2 is None and i is not None and j2 is not None
            added_removed = i is None and j2 is None and j is not None and i2 is not None
            if removed_added or added_removed:
                a, b = (i, j2) if removed_added else (i2, j)
                if old[a].kind == new[b].kind and similarity(old[a].text, new[b].text) >= 0.25:
                    out.append((a, b))
                    k += 2
                    continue
        out.append(pairs[k])
        k += 1
    return out


def _diff_blocks(
    old_doc: DocText, new_doc: DocText, old_idx: list[int], new_idx: list[int], emit
) -> None:
    a = [old_doc.blocks[i] for i in old_idx]
    b = [new_doc.blocks[j] for j in new_idx]
    matcher = difflib.SequenceMatcher(
        None, [(x.kind, x.text) for x in a], [(y.kind, y.text) for y in b], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for i, j in _pair(a[i1:i2], b[j1:j2]):
            if i is not None and j is not None:
                before, after = a[i1 + i], b[j1 + j]
                if before.text != after.text:
                    emit(
                        new_doc.sections[after.section].display,
                        BlockChange(
                            CHANGED,
                            after.kind,
                            after.label,
                            before.text,
                            after.text,
                            word_ops(before.text, after.text),
                        ),
                        after,
                    )
            elif i is not None:
                before = a[i1 + i]
                emit(
                    old_doc.sections[before.section].display,
                    BlockChange(REMOVED, before.kind, before.label, old=before.text),
                    before,
                )
            else:
                after = b[j1 + j]
                emit(
                    new_doc.sections[after.section].display,
                    BlockChange(ADDED, after.kind, after.label, new=after.text),
                    after,
                )


def _group_rows(changes: list[tuple[str, BlockChange, Block]]) -> list[tuple[str, BlockChange]]:
    """Whole table rows added or removed read as one change: « ligne ajoutée : a | b | c »."""
    out: list[tuple[str, BlockChange]] = []
    k = 0
    while k < len(changes):
        title, change, block = changes[k]
        if block.kind == CELL and change.kind in (ADDED, REMOVED) and block.row_cells > 1:
            run = changes[k : k + block.row_cells]
            if len(run) == block.row_cells and all(
                c.kind == change.kind and b.row == block.row and t == title for t, c, b in run
            ):
                texts = [c.new if c.kind == ADDED else c.old for _, c, _ in run]
                joined = " | ".join(texts)
                out.append(
                    (
                        title,
                        BlockChange(
                            change.kind,
                            CELL,
                            block.row,
                            old=joined if change.kind == REMOVED else "",
                            new=joined if change.kind == ADDED else "",
                        ),
                    )
                )
                k += block.row_cells
                continue
        out.append((title, change))
        k += 1
    return out


def diff_texts(old: DocText, new: DocText) -> DocDiff:
    """Changes from `old` to `new`, grouped by section in reading order."""
    found: list[tuple[str, BlockChange, Block]] = []

    def emit(title: str, change: BlockChange, block: Block) -> None:
        found.append((title, change, block))

    matcher = difflib.SequenceMatcher(
        None,
        [s.title for s in old.sections],
        [s.title for s in new.sections],
        autojunk=False,
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                old_blocks, new_blocks = old.sections[i].blocks, new.sections[j].blocks
                if [old.blocks[k].text for k in old_blocks] != [
                    new.blocks[k].text for k in new_blocks
                ]:
                    _diff_blocks(old, new, old_blocks, new_blocks, emit)
            continue
        old_blocks = [k for s in old.sections[i1:i2] for k in s.blocks]
        new_blocks = [k for s in new.sections[j1:j2] for k in s.blocks]
        _diff_blocks(old, new, old_blocks, new_blocks, emit)
    result = DocDiff(old.name, new.name)
    by_title: dict[str, SectionDiff] = {}
    for title, change in _group_rows(found):
        section = by_title.get(title)
        if section is None:
            section = by_title[title] = SectionDiff(title)
            result.sections.append(section)
        section.changes.append(change)
    return result


def diff_files(old: Path, new: Path) -> DocDiff:
    return diff_texts(read_text(old), read_text(new))
