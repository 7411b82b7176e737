"""The HTML report of a comparison: one self-contained page, navigation by section, counts,
changes word by word, and the description's changes first when given."""

from __future__ import annotations

import html

from generator.compare.docx_text import _short
from generator.compare.report_text import _plural, compact
from generator.compare.text_diff import ADDED, CHANGED, DELETE, EQUAL, REMOVED, DocDiff

_CSS = """
:root{--ins:#d7f5dd;--ins-t:#0b5d1e;--del:#fde0e0;--del-t:#a4161a;--line:#d9dde3;--muted:#5b6470}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
color:#1d232b;background:#f6f7f9}
nav{position:fixed;top:0;left:0;bottom:0;width:300px;overflow:auto;background:#fff;
border-right:1px solid var(--line);padding:16px 12px}
nav h2{font-size:14px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);
margin:0 0 8px}
nav ol{list-style:none;margin:0 0 16px;padding:0}
nav li a{display:flex;justify-content:space-between;gap:8px;padding:4px 6px;border-radius:4px;
color:#1d232b;text-decoration:none;font-size:13px}
nav li a:hover{background:#eef1f5}
.n{flex:none;font-variant-numeric:tabular-nums;font-size:12px;color:var(--muted)}
.n b{font-weight:600}.n .a{color:var(--ins-t)}.n .s{color:var(--del-t)}
main{margin-left:300px;padding:24px 32px;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}
header p{margin:2px 0;color:var(--muted)}
.totaux{display:flex;gap:12px;margin:12px 0 8px;flex-wrap:wrap}
.totaux span{background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px 10px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;margin:16px 0;
padding:12px 16px}
section h2{font-size:17px;margin:0 0 8px}
section h2 small{font-weight:normal;color:var(--muted);font-size:13px}
.c{border-top:1px solid #eef0f3;padding:8px 0}
.c:first-of-type{border-top:0}
.l{font-size:12px;color:var(--muted);margin-bottom:2px}
.l .k{display:inline-block;min-width:92px;font-weight:600}
.k.add{color:var(--ins-t)}.k.rem{color:var(--del-t)}.k.mod{color:#7a4b00}
.t{white-space:pre-wrap;overflow-wrap:anywhere}
ins{background:var(--ins);color:var(--ins-t);text-decoration:none;border-radius:2px}
del+ins{margin-left:2px}
.totaux .lab{background:none;border:0;padding:6px 0;color:var(--muted);min-width:90px}
del{background:var(--del);color:var(--del-t);border-radius:2px}
ul.sem{margin:0;padding-left:18px}ul.sem li{margin:3px 0}
.arrow{color:var(--muted)}
@media print{nav{display:none}main{margin:0}}
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_ops(ops: list[tuple[str, str]]) -> str:
    out = []
    for op, text in ops:
        if op == EQUAL:
            out.append(_esc(text))
        elif op == DELETE:
            out.append(f"<del>{_esc(text)}</del>")
        else:
            out.append(f"<ins>{_esc(text)}</ins>")
    return "".join(out)


_KIND_HTML = {
    ADDED: ("add", "ajout"),
    REMOVED: ("rem", "suppression"),
    CHANGED: ("mod", "modification"),
}


def _counts_html(added: int, removed: int, changed: int) -> str:
    parts = []
    if changed:
        parts.append(f'<b title="modifications">~{changed}</b>')
    if added:
        parts.append(f'<b class="a" title="ajouts">+{added}</b>')
    if removed:
        parts.append(f'<b class="s" title="suppressions">−{removed}</b>')
    return " ".join(parts)


def format_html(
    diff: DocDiff | None,
    *,
    title: str = "Comparaison de deux versions",
    old_name: str = "",
    new_name: str = "",
    semantic: list | None = None,
    totals: list | None = None,
) -> str:
    """One self-contained HTML page: navigation by section, counts, changes word by word.

    `semantic` and `totals` are lists of `diff_description.Change` / `TotalChange` (anything
    with `label_text`, `kind`, `old`, `new`, `delta`), shown first when given.
    """
    old_name = old_name or (diff.old_name if diff else "")
    new_name = new_name or (diff.new_name if diff else "")
    nav: list[str] = []
    body: list[str] = []
    if semantic is not None:
        added = sum(1 for c in semantic if c.kind == ADDED)
        removed = sum(1 for c in semantic if c.kind == REMOVED)
        changed = len(semantic) - added - removed
        nav.append(
            '<li><a href="#description"><span>Description (données source)</span>'
            f'<span class="n">{_counts_html(added, removed, changed) or "0"}</span></a></li>'
        )
        items = []
        for change in semantic:
            css, word = _KIND_HTML[change.kind]
            items.append(
                f'<li><span class="k {css}">{word}</span> · {_esc(change.label_text)}'
                + _semantic_value_html(change)
                + "</li>"
            )
        total_items = "".join(
            f"<li>{_esc(t.label)} : {_esc(t.old)} <span class='arrow'>→</span> "
            f"{_esc(t.new)} ({_esc(t.delta)})</li>"
            for t in totals or []
        )
        body.append(
            '<section id="description"><h2>Changements de la description '
            f"<small>{_plural(len(semantic), 'changement')}</small></h2>"
            + (f'<ul class="sem">{"".join(items)}</ul>' if items else "<p>Aucun changement.</p>")
            + (
                f'<h3>Totaux qui ont changé</h3><ul class="sem">{total_items}</ul>'
                if total_items
                else ""
            )
            + "</section>"
        )
    if diff is not None:
        for n, section in enumerate(diff.sections, start=1):
            counts = _counts_html(
                section.count(ADDED), section.count(REMOVED), section.count(CHANGED)
            )
            nav.append(
                f'<li><a href="#s{n}"><span>{_esc(_short(section.title, 60))}</span>'
                f'<span class="n">{counts}</span></a></li>'
            )
            rows = []
            for change in section.changes:
                css, word = _KIND_HTML[change.kind]
                if change.kind == CHANGED:
                    text = _html_ops(change.ops)
                elif change.kind == ADDED:
                    text = f"<ins>{_esc(change.new)}</ins>"
                else:
                    text = f"<del>{_esc(change.old)}</del>"
                rows.append(
                    f'<div class="c"><div class="l"><span class="k {css}">{word}</span>'
                    f'{_esc(change.label)}</div><div class="t">{text}</div></div>'
                )
            body.append(
                f'<section id="s{n}"><h2>{_esc(section.title)} '
                f"<small>{_plural(len(section.changes), 'changement')}</small></h2>"
                + "".join(rows)
                + "</section>"
            )
        if diff.identical:
            body.append(
                "<section><p>Aucune différence de texte entre les deux documents.</p></section>"
            )
    head = [f"<h1>{_esc(title)}</h1>"]
    if old_name or new_name:
        head.append(f"<p>Ancienne version : <b>{_esc(old_name)}</b></p>")
        head.append(f"<p>Nouvelle version : <b>{_esc(new_name)}</b></p>")
    if semantic is not None:
        head.append(
            '<div class="totaux"><span class="lab">Description</span>'
            f"<span>{_plural(len(semantic), 'changement')}</span>"
            f"<span>{_plural(len(totals or []), 'total modifié', 'totaux modifiés')}</span></div>"
        )
    if diff is not None:
        head.append(
            '<div class="totaux"><span class="lab">Texte</span>'
            f"<span>{_plural(diff.count(CHANGED), 'modification')}</span>"
            f"<span>{_plural(diff.count(ADDED), 'ajout')}</span>"
            f"<span>{_plural(diff.count(REMOVED), 'suppression')}</span>"
            f"<span>{_plural(len(diff.sections), 'section touchée', 'sections touchées')}</span>"
            "</div>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<nav><h2>Sections</h2><ol>{''.join(nav)}</ol></nav>"
        f"<main><header>{''.join(head)}</header>{''.join(body)}</main></body></html>\n"
    )


def _semantic_value_html(change) -> str:
    if change.kind == CHANGED:
        if getattr(change, "ops", None):
            return f' : <span class="t">{_html_ops(compact(list(change.ops), 30))}</span>'
        delta = f" ({_esc(change.delta)})" if change.delta else ""
        return (
            f" : <del>{_esc(change.old or '(vide)')}</del> <span class='arrow'>→</span> "
            f"<ins>{_esc(change.new or '(vide)')}</ins>{delta}"
        )
    value = change.new if change.kind == ADDED else change.old
    return f" ({_esc(value)})" if value else ""
