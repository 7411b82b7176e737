"""Maintaining the Word templates, for IREV: a template set in, its problems and its reference out.

`check` and the modules beside it read a template's Word runs, analyse its Jinja tags, place each
problem in Word terms (page element, paragraph, cell) and verify the version lock; `variables`
and its modules write the reference of everything a template can display (docs/variables.md).
"""

from generator._exports import lazy_exports

_NAMES = {
    "CheckResult": "check",
    "check_file": "check",
    "check_set": "check",
    "render_markdown": "variables",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
