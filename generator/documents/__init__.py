"""The Word documents: a validated description and a template set in, deterministic .docx bytes out.

`context` turns the description into what templates display (totals, tables, QPV data), pure and
without I/O; `formatting` holds the French filters; `render` fills a template in one sandboxed
Jinja environment; `docx_post` finishes the Word XML (lists, table of contents); `write` gives the
bytes and writes them atomically; `build` decides what to (re)build; `hand_edits` writes them
without losing a hand edit, drafts beside; `templates` finds the template set and a territory's
local parts.
"""

from generator._exports import lazy_exports

_NAMES = {
    "build_context": "context",
    "convention_context": "context",
    "RenderError": "render",
    "render_template": "render",
    "deterministic_docx": "write",
    "atomic_write": "write",
    "read_embedded_description": "write",
    "BuildResult": "build",
    "build_territory": "build",
    "build_many": "build",
    "TemplateError": "templates",
    "TemplateSet": "templates",
    "load_template_set": "templates",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
