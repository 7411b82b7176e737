"""The text report of a document diff, plain or coloured for a terminal: a summary, then the
changes section by section, word by word with some context around them."""

from __future__ import annotations

from generator.compare.text_diff import (
    ADDED,
    CHANGED,
    DELETE,
    EQUAL,
    REMOVED,
    BlockChange,
    DocDiff,
    tokens,
)

RED, GREEN, BOLD, DIM, RESET = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[2m", "\x1b[0m"
STRIKE, UNDERLINE = "\x1b[9m", "\x1b[4m"
CONTEXT_WORDS = 8


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count < 2 else (plural or word + 's')}"


def compact(ops: list[tuple[str, str]], context: int = CONTEXT_WORDS) -> list[tuple[str, str]]:
    """Keep the changes and `context` words around them; elided text becomes '…'."""
    result: list[tuple[str, str]] = []
    for k, (op, text) in enumerate(ops):
        if op != EQUAL:
            result.append((op, text))
            continue
        parts = tokens(text)
        words = [i for i, t in enumerate(parts) if not t.isspace()]
        first, last = k == 0, k == len(ops) - 1
        if len(words) <= 2 * context or (first and last):
            if first and not last and len(words) > context:
                text = "… " + "".join(parts[words[-context] :]).lstrip()
            elif last and not first and len(words) > context:
                text = "".join(parts[: words[context - 1] + 1]).rstrip() + " …"
            result.append((EQUAL, text))
            continue
        head = "" if first else "".join(parts[: words[context - 1] + 1])
        tail = "" if last else "".join(parts[words[-context] :])
        text = (head.rstrip() + " … " if head else "… ") + (tail.lstrip() if tail else "")
        result.append((EQUAL, text if tail else text.rstrip()))
    return result


def render_ops(ops: list[tuple[str, str]], color: bool) -> str:
    out = []
    for op, text in ops:
        if op == EQUAL:
            out.append(text)
        elif color:
            out.append((RED + STRIKE if op == DELETE else GREEN + UNDERLINE) + text + RESET)
        else:
            out.append(f"[-{text}-]" if op == DELETE else f"{{+{text}+}}")
    return "".join(out).replace("\n", " ⏎ ")


def _one_line(text: str, size: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def change_line(change: BlockChange, color: bool) -> str:
    if change.kind == CHANGED:
        return f"  ~ {change.label} : {render_ops(compact(change.ops), color)}"
    if change.kind == ADDED:
        body = _one_line(change.new)
        body = f"{GREEN}{body}{RESET}" if color else f"{{+{body}+}}"
        return f"  + ajout, {change.label} : {body}"
    body = _one_line(change.old)
    body = f"{RED}{STRIKE}{body}{RESET}" if color else f"[-{body}-]"
    return f"  - suppression, {change.label} : {body}"


def summary(diff: DocDiff) -> str:
    if diff.identical:
        return "Aucune différence de texte entre les deux documents."
    parts = [
        _plural(diff.count(CHANGED), "modification"),
        _plural(diff.count(ADDED), "ajout"),
        _plural(diff.count(REMOVED), "suppression"),
    ]
    return f"{', '.join(parts)} dans {_plural(len(diff.sections), 'section')}"


def format_text(diff: DocDiff, color: bool = False) -> str:
    lines = [f"Texte : {diff.old_name} → {diff.new_name}", summary(diff)]
    for section in diff.sections:
        title = f"§ {section.title} ({_plural(len(section.changes), 'changement')})"
        lines.append("")
        lines.append(f"{BOLD}{title}{RESET}" if color else title)
        lines.extend(change_line(change, color) for change in section.changes)
    return "\n".join(lines)
