"""Charts of the follow-up as PNG bytes: the same data give the same bytes, on any machine.

matplotlib with the Agg backend, the DejaVu Sans font that ships with matplotlib, a fixed size
and resolution, and no metadata (no software version, no date) in the PNG. Every chart has its
data in a table beside it in the documents.
"""

from __future__ import annotations

import io

WIDTH_CM = 16.0
_DPI = 100


_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _figure(width_in: float, height_in: float, rows: int = 1, columns: int = 1):
    """A figure on the Agg canvas (no pyplot, no window, no global figure list)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(width_in, height_in))
        FigureCanvasAgg(fig)
        axes = fig.subplots(rows, columns, squeeze=False)
    return fig, axes


def _png(fig) -> bytes:
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _fr(value) -> str:
    """A tick label in French (« 1 200 », « 42,5 »): plain Python, as ticks are many."""
    value = float(value)
    if value == int(value):
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")


def trajectories_png(indicators: list[dict], year: int) -> bytes | None:
    """One small panel per indicator: the path from the baseline to the 2027 and 2030 targets
    (dashed) and the values observed (solid, with points)."""
    shown = [i for i in indicators if i["reference"] is not None and i["annee_reference"]]
    if not shown:
        return None
    columns = 2
    rows = (len(shown) + columns - 1) // columns
    fig, axes = _figure(WIDTH_CM / 2.54, 1.9 * rows, rows, columns)
    for ax, ind in zip([a for row in axes for a in row], shown, strict=False):
        path_x, path_y = [ind["annee_reference"]], [ind["reference"]]
        for target_year, key in ((2027, "cible_2027"), (2030, "cible_2030")):
            if ind[key] is not None:
                path_x.append(target_year)
                path_y.append(ind[key])
        ax.plot(path_x, path_y, linestyle="--", color="#7f7f7f", linewidth=1, label="trajectoire")
        xs = [ind["annee_reference"]] + [p["annee"] for p in ind["serie"]]
        ys = [ind["reference"]] + [p["valeur"] for p in ind["serie"]]
        color = "#c0392b" if ind["en_retard"] else "#1f5fa8"
        ax.plot(xs, ys, marker="o", markersize=3, color=color, linewidth=1.5, label="observé")
        title = ind["libelle"] if len(ind["libelle"]) <= 46 else ind["libelle"][:44] + "…"
        ax.set_title(title, fontsize=7, loc="left", y=1.04)  # a fixed place: no layout pass
        ax.set_xlim(min(path_x + xs) - 0.5, 2030.5)
        ax.set_xticks(sorted({*path_x, year}))
        ax.tick_params(labelsize=6)
        ax.yaxis.set_major_locator(_locator())
        ax.yaxis.set_major_formatter(_formatter(ind["unite"]))
    for ax in [a for row in axes for a in row][len(shown) :]:
        ax.set_visible(False)
    fig.subplots_adjust(
        left=0.08, right=0.98, top=1 - 0.3 / rows, bottom=0.2 / rows, wspace=0.3, hspace=0.55
    )
    return _png(fig)


def _locator():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(4)


def _formatter(unit: str):
    from matplotlib.ticker import FuncFormatter

    suffix = "\u202f%" if unit == "%" else ""
    return FuncFormatter(lambda v, _pos: _fr(round(v, 1)) + suffix)


def money_png(rows: list[dict], legend: tuple[str, str] = ("prévu", "versé")) -> bytes | None:
    """Planned vs paid money per orientation, as horizontal bars (euros)."""
    rows = [r for r in rows if r["prevu"] or r["verse"]]
    if not rows:
        return None
    height = 0.4 * len(rows) + 0.9
    fig, axes = _figure(WIDTH_CM / 2.54, height)
    ax = axes[0][0]
    labels = [r["titre"] if len(r["titre"]) <= 45 else r["titre"][:42] + "…" for r in rows]
    positions = list(range(len(rows)))[::-1]
    planned = [float(r["prevu"]) for r in rows]
    paid = [float(r["verse"]) for r in rows]
    ax.barh([p + 0.2 for p in positions], planned, height=0.38, color="#9db7d5", label=legend[0])
    ax.barh([p - 0.2 for p in positions], paid, height=0.38, color="#1f5fa8", label=legend[1])
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=7)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: _fr(round(v / 1000)) + "\u202fk€"))
    ax.tick_params(axis="x", labelsize=6)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    fig.subplots_adjust(left=0.42, right=0.97, top=1 - 0.15 / height, bottom=0.45 / height)
    return _png(fig)


def chart_png(kind: str, context: dict) -> bytes | None:
    if kind == "trajectoires":
        return trajectories_png(context["indicateurs"], context["annee"])
    if kind == "credits":
        return money_png(context["financement_orientations"])
    raise KeyError(kind)
