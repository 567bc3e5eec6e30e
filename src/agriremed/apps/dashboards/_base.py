"""Machinery shared by the dashboards: language switching, background jobs, HTML tables.

A dashboard is a plain object that builds ipywidgets in ``__init__``, exposes them as
``.widget`` and keeps its last results as DataFrame attributes. Callbacks call planner
functions and write to widget traits only, so tests can drive a dashboard without a
kernel or a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import html
import json
import logging
import os
import sys
from collections.abc import Callable

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from agriremed.core import i18n, messages
from agriremed.io.readers import InputFileError
from agriremed.core.scenario import Scenario, ScenarioError
from agriremed.core.tables import Tables, load_tables
from agriremed.stages.duration import YEARS_SHOWN_UP_TO

__all__ = [
    "Dashboard",
    "BackgroundJob",
    "FigureSlot",
    "html_table",
    "fmt_number",
    "fmt_years",
    "guarded",
    "light_of_compliance",
    "light_legend",
    "figure_widget_class",
]

log = logging.getLogger("agriremed.apps.dashboards")

_CSS = """
<style>
.agriremed {font-family: system-ui, 'Segoe UI', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Zen Hei',
  'Microsoft YaHei', sans-serif;}
.agriremed h2 {margin: 0.2em 0; font-size: 1.5em; color: #1b4f72;}
.agriremed h3 {margin: 0.6em 0 0.2em 0; font-size: 1.1em; color: #1b4f72; border-bottom: 1px solid #cfd8dc;}
.agriremed .ar-table {border-collapse: collapse; font-size: 0.9em; margin: 0.3em 0;}
.agriremed .ar-table th, .agriremed .ar-table td {border: 1px solid #cfd8dc; padding: 0.2em 0.5em;
  text-align: left; vertical-align: top; line-height: 1.35;}
.agriremed .widget-html-content {line-height: 1.35;}
.agriremed .ar-tabs > .lm-TabBar .lm-TabBar-tab {flex: 0 0 auto !important; min-width: 230px;}
.agriremed .agriremed-download, .agriremed .ar-auto {width: auto; min-width: 148px;}
.agriremed .ar-auto .widget-toggle-button {width: auto; padding: 0 1em;}
.agriremed .ar-table th {background: #eef3f7;}
.agriremed .ar-table td.num {text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap;}
.agriremed .light-green, .agriremed .class-priority_protection {background: #d9f2d9;}
.agriremed .light-amber, .agriremed .class-safe_utilisation {background: #fff2cc;}
.agriremed .light-red, .agriremed .class-strict_control {background: #f8d7da;}
.agriremed .ar-table td[title] {cursor: help;}
.agriremed .ar-table td.ar-light {text-align: center; white-space: nowrap;}
.agriremed .ar-table td.ar-light[title]::after {content: " ⓘ"; color: #7a8793; font-size: 0.8em;}
.agriremed .ar-table td.ar-note {font-size: 0.9em; color: #555; max-width: 24em;}
.agriremed .ar-table td.ar-recommended {font-weight: bold;}
.agriremed .ar-table td.ar-counted {font-weight: bold; background: #f3f7fb;}
.agriremed .ar-table td.ar-nowrap {white-space: nowrap;}
.agriremed .ar-banner {padding: 0.5em 0.8em; border-radius: 4px; font-size: 1.1em; margin: 0.3em 0;}
.agriremed .ar-muted {color: #666; font-size: 0.9em;}
.agriremed .ar-error {color: #a94442; background: #f8d7da; padding: 0.4em 0.7em; border-radius: 4px;}
.agriremed .ar-ok {color: #2e6b30;}
.agriremed .ar-kpi {display: inline-block; margin: 0.2em 1.4em 0.2em 0;}
.agriremed .ar-kpi b {display: block; font-size: 1.4em;}
.agriremed .ar-recommendation {font-size: 1.05em; padding: 0.5em 0.8em; background: #eef6ee;
  border-left: 4px solid #2ca02c;}
/* tables and charts wider than the screen scroll sideways inside their box, the page does not */
.agriremed .ar-scroll, .agriremed .ar-fig {max-width: calc(100vw - 24px); overflow-x: auto;
  -webkit-overflow-scrolling: touch;}
.agriremed .widget-html, .agriremed .widget-html-content {max-width: 100%; min-width: 0;}
/* charts have no fixed width (plotly autosize): the chart takes its box's width, never more */
.agriremed .ar-fig {min-width: 0;}
.agriremed .ar-fig > * {flex: 1 1 auto; width: 100%; min-width: 0; max-width: 100%;}
.agriremed .widget-hbox.ar-row {flex-wrap: wrap;}
/* a tapped (focused) traffic light shows its reason under the colour: touch screens have no pointer */
.agriremed .ar-table td.ar-light[title]:focus {outline: 2px solid #1b4f72;}
.agriremed .ar-table td.ar-light[title]:focus::after {content: " " attr(title); display: block;
  white-space: normal; min-width: 12em; font-size: 0.85em; color: #2a3f5f; text-align: left;}
.agriremed .ar-legend {margin: 0.4em 0; font-size: 0.9em;}
.agriremed .ar-legend .ar-table td, .agriremed .ar-legend .ar-table th {padding: 0.15em 0.5em;}
.agriremed .ar-legend .ar-swatch {display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%;
  vertical-align: -0.1em; margin-right: 0.3em; border: 1px solid #888;}
.agriremed .ar-swatch.light-green {background: #2ca02c;}
.agriremed .ar-swatch.light-amber {background: #ffbf00;}
.agriremed .ar-swatch.light-red {background: #d62728;}
/* the language switch keeps its two buttons side by side; the header wraps instead */
.agriremed .ar-lang, .agriremed .ar-lang .widget-toggle-button {flex-shrink: 0;}
.agriremed .ar-lang .btn-group {flex-wrap: nowrap !important; display: flex;}
.agriremed .widget-hbox.ar-header {flex-wrap: wrap;}
.agriremed .ar-header > .widget-hbox {flex-shrink: 0;}
@media (max-width: 900px) {
  .agriremed .ar-col {width: 100% !important; padding: 0 !important;}
  .agriremed .widget-hbox.ar-cols {flex-wrap: wrap;}
  .agriremed .ar-tabs > .lm-TabBar .lm-TabBar-tab {min-width: 0 !important; flex: 1 1 auto !important;}
  .agriremed .ar-tabs > .lm-TabBar .lm-TabBar-content {flex-wrap: wrap;}
}
@media (max-width: 600px) {
  .agriremed h2 {font-size: 1.2em;}
  .agriremed .widget-hbox {flex-wrap: wrap;}
  .agriremed .ar-tabs > .lm-TabBar {min-height: 0 !important; max-height: none !important;}
  .agriremed .ar-tabs > .lm-TabBar .lm-TabBar-tab {flex: 1 1 100% !important; max-width: none !important;}
  /* the label above its input, both the width of the screen */
  .agriremed .widget-inline-hbox {flex-wrap: wrap; width: 100% !important; height: auto !important;
    min-height: var(--jp-widgets-inline-height);}
  .agriremed .widget-inline-hbox > select {height: var(--jp-widgets-inline-height);}
  .agriremed .widget-hslider > .slider-container {height: var(--jp-widgets-inline-height);}
  .agriremed .ar-row > .widget-vbox {width: 100% !important;}
  .agriremed .widget-inline-hbox > .widget-label {width: 100% !important; max-width: 100% !important;
    text-align: left !important; white-space: normal;}
  .agriremed .widget-inline-hbox > input, .agriremed .widget-inline-hbox > select,
  .agriremed .widget-inline-hbox > .slider-container {flex: 1 1 auto; min-width: 0; width: auto;}
  .agriremed .widget-toggle-buttons {width: auto !important;}
}
@media print {
  @page {size: A4; margin: 8mm;}
  body, .jp-Notebook, .jp-Cell {background: white !important; padding: 0 !important; margin: 0 !important;}
  .agriremed {zoom: 0.56;}
  .agriremed .ar-noprint, .agriremed .ar-lang, .agriremed .ar-tabs > .lm-TabBar,
  .agriremed .widget-slider, .agriremed .ar-progress, .agriremed .widget-button,
  .agriremed .agriremed-download {display: none !important;}
  .agriremed .ar-scroll, .agriremed .ar-fig {max-width: none; overflow: visible;}
  .agriremed .ar-table {font-size: 0.85em;}
  .agriremed .ar-table tr, .agriremed .ar-fig, .agriremed .ar-legend {break-inside: avoid;}
  .agriremed .light-green, .agriremed .light-amber, .agriremed .light-red, .agriremed .ar-swatch,
  .agriremed [class*='class-'] {-webkit-print-color-adjust: exact; print-color-adjust: exact;}
}
</style>
"""


def fmt_number(x, digits: int = 3, signed: bool = False, pct: bool = False) -> str:
    """Number as short display text ('' for missing, '∞' for infinite).

    Parameters
    ----------
    x : float
        Value.
    digits : int
        Significant digits.
    signed : bool
        Always show the sign.
    pct : bool
        Show a probability as a percentage without rounding a risk away (``'> 99 %'``).

    Examples
    --------
    >>> fmt_number(163651.2), fmt_number(0.0236, pct=True), fmt_number(float("inf"))
    ('163,651', '2 %', '∞')
    """
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return ""
    x = float(x)
    if np.isinf(x):
        return "∞" if x > 0 else "−∞"
    if pct:
        if x > 0.99:
            return "> 99 %"
        if 0 < x < 0.01:
            return "< 1 %"
        return f"{100 * x:.0f} %"
    sign = "+" if signed else ""
    if abs(x) >= 1000:
        return f"{x:{sign},.0f}"
    return f"{x:{sign}.{digits}g}"


def fmt_years(x) -> str:
    """Years as display text: whole years from 10 up, one decimal below, '> 200' above the
    shown bound ('∞' = never).

    Examples
    --------
    >>> fmt_years(150.45), fmt_years(6.12), fmt_years(5991.0), fmt_years(float("inf"))
    ('150', '6.1', '> 200', '∞')
    """
    if x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x)):
        return ""
    x = float(x)
    if np.isinf(x):
        return "∞"
    if x > YEARS_SHOWN_UP_TO:
        return f"> {YEARS_SHOWN_UP_TO:.0f}"
    return f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def html_table(
    df: pd.DataFrame,
    table_id: str,
    headers: dict[str, str] | None = None,
    classes: pd.DataFrame | None = None,
    numeric: set | None = None,
    titles: pd.DataFrame | None = None,
) -> str:
    """A DataFrame of display texts as an HTML table with a stable id (for tests and styling).

    Parameters
    ----------
    df : pandas.DataFrame
        Cells already formatted as text.
    table_id : str
        ``id`` of the ``<table>``; every cell carries ``data-col`` with its column name.
    headers : dict, optional
        Column name → header text.
    classes : pandas.DataFrame, optional
        CSS class per cell for some columns (same row order as ``df``).
    numeric : set, optional
        Columns aligned right.
    titles : pandas.DataFrame, optional
        Tooltip text per cell for some columns (same row order as ``df``), shown when the
        pointer rests on the cell (e.g. the reason for a traffic light); such a cell can also
        be focused (tapped), which shows the text under the cell.

    Returns
    -------
    str
        The table inside a ``div.ar-scroll``, which scrolls sideways on a narrow screen.

    Examples
    --------
    >>> t = html_table(pd.DataFrame({"a": ["1"]}), "t", {"a": "A"})
    >>> t.split("<tbody>")[1]
    "<tr><td data-col='a' class=''>1</td></tr></tbody></table></div>"
    >>> html_table(pd.DataFrame({"a": ["1"]}), "t", titles=pd.DataFrame({"a": ["x > 0"]})).split("<tbody>")[1]
    "<tr><td data-col='a' class='' title='x &gt; 0' tabindex='0'>1</td></tr></tbody></table></div>"
    """
    headers = headers or {}
    numeric = numeric or set()
    tips = {c: titles[c].tolist() for c in (titles.columns if titles is not None else ()) if c in df.columns}
    head = "".join(
        f"<th data-col='{html.escape(c)}'>{html.escape(headers.get(c, c))}</th>" for c in df.columns
    )
    css = {
        c: (classes[c].tolist() if classes is not None and c in classes else [""] * len(df))
        for c in df.columns
    }
    rows = []
    for i, rec in enumerate(df.itertuples(index=False)):
        cells = []
        for c, v in zip(df.columns, rec, strict=True):
            cls = f"{css[c][i] or ''}{' num' if c in numeric else ''}".strip()
            text = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            tip = tips[c][i] if c in tips else None
            tip = f" title='{html.escape(tip)}' tabindex='0'" if isinstance(tip, str) and tip else ""
            cells.append(f"<td data-col='{html.escape(c)}' class='{cls}'{tip}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<div class='ar-scroll'><table class='ar-table' id='{html.escape(table_id)}'>"
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def light_of_compliance(p_compliant, tables) -> np.ndarray:
    """Traffic light of crop-compliance probabilities (food-safety thresholds of ``traffic_lights.csv``)."""
    tl = tables.light_thresholds()["food_safety"]
    p = np.asarray(p_compliant, float)
    out = np.where(
        p >= tl["green_at_least"] - 1e-12,
        "green",
        np.where(p >= tl["amber_at_least"], "amber", "red"),
    ).astype(object)
    out[np.isnan(p)] = None
    return out


#: Environment variable set by the dashboard server (:mod:`agriremed.apps.dashboards.serve`): the URL
#: path under which the server offers plotly's widget module (``/voila/templates/…/plotly-widget-*.js``).
PLOTLY_ESM_ENV = "AGRIREMED_PLOTLY_ESM"


#: Optional modules a dashboard kernel does not import. ``rfc3987_syntax`` is jsonschema's
#: checker of the "iri" string format; jsonschema imports it when present (plotly's widget
#: imports nbformat, which imports jsonschema), and importing it builds a grammar parser that
#: took 8-9 s, most of a dashboard's start-up. A dashboard kernel validates no IRIs.
SKIPPED_IMPORTS = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> list[str]:
    """Make the modules of :data:`SKIPPED_IMPORTS` that are not imported yet unimportable in
    this process (``import`` raises ImportError, and jsonschema leaves that format unchecked).

    Called in the kernels of the dashboard server only (not in JupyterLab or tests). Returns
    the modules skipped.
    """
    skipped = [m for m in SKIPPED_IMPORTS if m not in sys.modules]
    for m in skipped:
        sys.modules[m] = None
    return skipped


def figure_widget_class() -> type:
    """The ``FigureWidget`` class the dashboards use.

    A plain ``plotly.graph_objects.FigureWidget`` carries plotly's whole widget module
    (about 5 MB of JavaScript) in its state: every new chart sends it to the page again and
    the page evaluates it again, which took 2–3 s per chart and made a language switch (which
    redraws every chart) take several seconds. Under the dashboard server (which sets
    :data:`PLOTLY_ESM_ENV`, inside a Voila kernel) the widget's module is instead a three-line
    loader that imports the file from the server: the browser fetches and evaluates it once
    per page. Elsewhere (JupyterLab, tests) the plain class is used.
    """
    path = os.environ.get(PLOTLY_ESM_ENV, "").strip()
    base = os.environ.get("VOILA_BASE_URL")  # set by Voila in its kernels
    if not path or base is None:
        return go.FigureWidget
    skip_slow_optional_imports()
    return _shared_module_widget(base.rstrip("/") + "/" + path)


@functools.lru_cache(maxsize=2)
def _shared_module_widget(path: str) -> type:
    loader = (
        "// plotly's widget module, loaded once per page from the dashboard server\n"
        f"const mod = await import(new URL({json.dumps(path)}, window.location.href).href);\n"
        "export default mod.default;\n"
    )
    return type("FigureWidget", (go.FigureWidget,), {"_esm": loader, "__module__": __name__})


def _threshold_text(value: float, unit: str, lang: str, signed: bool = False) -> str:
    """A traffic-light threshold in the criterion's unit ('95 %', '+0.5 t CO₂e/ha/yr', '−30,000 CNY/ha')."""
    if unit in ("probability", "fraction"):
        return f"{100 * value:.0f} %"
    text = fmt_number(value, 3, signed=signed and value != 0).replace("-", "−")
    return text if unit == "score" else f"{text} {i18n.unit(unit, lang)}"


def light_legend(tables, lang: str, criteria=None) -> str:
    """What the traffic lights mean: the green, amber and red range of every criterion.

    The same thresholds the planner uses (``traffic_lights.csv``), shown as a table so the
    colours are explained on a touch screen and on paper, where a tooltip cannot be read.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    lang : {"en", "zh"}
        Language.
    criteria : iterable of str, optional
        Criteria shown (default: every criterion of the table).

    Returns
    -------
    str
        ``div#light-legend`` with a heading and one row per criterion.
    """
    tl = tables.traffic_lights.drop_duplicates("criterion").set_index("criterion")
    rows = []
    for c in criteria if criteria is not None else tl.index:
        if c not in tl.index:
            continue
        g, a = float(tl.at[c, "green_at_least"]), float(tl.at[c, "amber_at_least"])
        unit = str(tl.at[c, "unit"])
        signed = unit.startswith("t CO2e")
        gt, at = _threshold_text(g, unit, lang, signed), _threshold_text(a, unit, lang, signed)
        rows.append({
            "criterion": i18n.value("criterion", c, lang),
            "green": i18n.t("ui.legend.at_least", lang, value=gt),
            "amber": i18n.t("ui.legend.between", lang, low=at, high=gt),
            "red": i18n.t("ui.legend.below", lang, value=at),
        })
    df = pd.DataFrame(rows, columns=["criterion", "green", "amber", "red"])
    heads = {"criterion": i18n.t("ui.legend.criterion", lang)}
    for k in ("green", "amber", "red"):
        heads[k] = i18n.value("light", k, lang)
    table = html_table(df, "light-legend-table", heads,
                       classes=pd.DataFrame({k: [f"light-{k}"] * len(df) for k in ("green", "amber", "red")}))
    swatches = " ".join(
        f"<span class='ar-swatch light-{k}'></span>{html.escape(i18n.value('light', k, lang))}"
        for k in ("green", "amber", "red")
    )
    return (
        f"<div class='ar-legend' id='light-legend'><b>{html.escape(i18n.t('ui.legend.head', lang))}</b> "
        f"{swatches}<br><span class='ar-muted'>{html.escape(i18n.t('ui.legend.note', lang))}</span>"
        f"{table}</div>"
    )


class FigureSlot:
    """A place on the page that shows one plotly ``FigureWidget``.

    :meth:`show` wraps a complete new figure in a new ``FigureWidget`` and swaps it in.
    Building the whole figure first and wrapping it (instead of editing a widget's
    layout before the page has drawn it) is what renders reliably in Voila; the old
    widget is closed.

    Parameters
    ----------
    name : str
        CSS class of the slot (``ar-fig-<name>``), for tests and styling.
    width : int, optional
        Largest figure width [px]. Figures have no fixed width: they fill their box
        (``autosize``), up to this width, so a chart fits a phone screen. A figure drawn
        while its tab is hidden cannot measure its box; the dashboard page (Voila template
        ``agriremed``) re-sizes the charts whenever the width of a box changes (a tab shown,
        the screen turned).
    """

    def __init__(self, name: str, width: int | None = None):
        self.box = w.Box(layout=w.Layout(width="100%", max_width=f"{width}px" if width else None))
        self.box.add_class(f"ar-fig-{name}")
        self.box.add_class("ar-fig")
        self.width = width
        #: Update the shown chart in place when the new figure has the same structure.
        self.in_place = True
        self.figure: go.FigureWidget | None = None
        self._retired: go.FigureWidget | None = None

    def show(self, fig: go.Figure) -> go.FigureWidget:
        """Show ``fig``; returns the new ``FigureWidget``.

        The widget replaced now is closed at the next call, not at once: the page may
        still be setting it up when it is replaced, and closing it then makes the page
        log "Comm not found".
        """
        fig.update_layout(width=None, autosize=True)
        if self._same_skeleton(fig):
            # the same traces and layout parts with other values (a language switch, new weights):
            # the chart on the page is updated in place, one message and one redraw
            self._update_in_place(fig)
            return self.figure
        if self._retired is not None:
            self._retired.close()
        self._retired = self.figure
        self.figure = figure_widget_class()(fig)
        # plotly re-sizes a responsive chart to its box on every window resize
        self.figure._config = {**self.figure._config, "responsive": True}
        self.box.children = (self.figure,)
        return self.figure

    @staticmethod
    def _skeleton(fig) -> tuple:
        """Trace types and the layout's keys (with the number of shapes and annotations)."""
        lay = fig._layout
        keys = tuple(sorted((k, len(v) if isinstance(v, (list, tuple)) else -1) for k, v in lay.items()))
        traces = tuple((t.get("type"), tuple(sorted(set(t) - {"uid"}))) for t in fig._data)
        return traces, keys

    def _same_skeleton(self, fig) -> bool:
        if self.figure is None or not self.in_place:
            return False
        return self._skeleton(self.figure) == self._skeleton(fig)

    def _update_in_place(self, fig) -> None:
        fw = self.figure
        # the validated property dicts (to_plotly_json would encode the arrays as base64 text)
        with fw.batch_update():
            for old, data in zip(fw.data, fig._data, strict=True):
                old.update({k: v for k, v in data.items() if k != "uid"}, overwrite=True)
            fw.layout.update(fig._layout, overwrite=True)


class BackgroundJob:
    """Runs planner work without blocking the page.

    In a kernel (Voila, JupyterLab) an asyncio loop is running: the work runs in the
    loop's thread pool while the kernel keeps answering the page, and ``done`` /
    ``progress`` run back on the kernel's main thread, where widgets are changed.
    Without a running loop (plain Python, tests) or with ``background=False`` the work
    runs at once. Only the newest submission reports: a result that arrives after a
    newer submission is dropped.

    Parameters
    ----------
    background : bool, optional
        ``False`` always runs at once; ``None``/``True`` use the loop when there is one.
    """

    def __init__(self, background: bool | None = None):
        self.background = background
        self.generation = 0
        self.future: asyncio.Future | None = None
        self.running = False

    def submit(
        self,
        work: Callable,
        done: Callable,
        failed: Callable,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Run ``work(report)``; then ``done(result)`` or ``failed(exception)``.

        ``work`` may call ``report(i, n)`` to report that ``i`` of ``n`` steps are done.
        """
        self.generation += 1
        gen = self.generation
        progress = progress or (lambda i, n: None)
        loop = None
        if self.background is not False:
            with contextlib.suppress(RuntimeError):
                loop = asyncio.get_running_loop()
        if loop is None:
            self.running = True
            try:
                result = work(progress)
            except Exception as exc:  # shown to the user by ``failed``
                self.running = False
                failed(exc)
                return
            self.running = False
            done(result)
            return

        def report(i, n):
            loop.call_soon_threadsafe(lambda: gen == self.generation and progress(i, n))

        self.running = True

        async def run():
            try:
                result = await loop.run_in_executor(None, work, report)
            except Exception as exc:
                if gen == self.generation:
                    self.running = False
                    failed(exc)
                return
            if gen == self.generation:
                self.running = False
                done(result)

        self.future = asyncio.ensure_future(run())


@contextlib.contextmanager
def gc_deferred():
    """Hold back Python's cyclic garbage collector for the duration of the block.

    A one-plot callback allocates many short-lived objects; a full collection of the
    kernel's heap that happens to fall inside it can double its time. Deferred, the
    collection runs after the callback, when the new figures and tables have been sent
    to the page: in a kernel it is scheduled on the event loop
    (:func:`collect_when_idle`), so it does not land at the start of the next interaction
    either. Objects without reference cycles are freed at once either way.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
            collect_when_idle()


_COLLECT_PENDING = False


def collect_when_idle() -> bool:
    """Schedule one full garbage collection for when the kernel has handled the current message.

    Returns whether one was scheduled: only with a running event loop (inside a kernel),
    and only one at a time. Without a loop, collections happen as usual.
    """
    global _COLLECT_PENDING
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    if _COLLECT_PENDING:
        return False

    def collect():
        global _COLLECT_PENDING
        _COLLECT_PENDING = False
        gc.collect()

    _COLLECT_PENDING = True
    loop.call_soon(collect)
    return True


def guarded(method):
    """Run a dashboard callback so that any error becomes a message on the page, never a traceback.

    Callbacks of dashboards with ``defer_gc`` run under :func:`gc_deferred`.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if self._quiet:
            return None
        with gc_deferred() if self.defer_gc else contextlib.nullcontext():
            try:
                return method(self, *args, **kwargs)
            except Exception as exc:
                self.show_error(exc)
                return None

    return wrapper


class Dashboard:
    """Base of the dashboards: language toggle, status line, progress bar, job runner.

    Parameters
    ----------
    lang : {"en", "zh"}
        Initial language.
    scenario : Scenario, optional
        Planner assumptions (default :class:`agriremed.Scenario()`).
    tables : Tables, optional
        Literature tables (default: the packaged ones).
    background : bool, optional
        Run long computations off the kernel's main thread (default: when in a kernel).
    """

    #: Key of the dashboard's title in the translation table.
    title_key = "ui.app.title"
    #: Run callbacks with the cyclic garbage collector held back (:func:`gc_deferred`):
    #: for dashboards of one plot, whose callbacks are short.
    defer_gc = False

    def __init__(
        self,
        lang: str = "en",
        scenario: Scenario | None = None,
        tables: Tables | None = None,
        background: bool | None = None,
    ):
        self.tables = tables if tables is not None else _packaged_tables()
        self.scenario = scenario or Scenario()
        self._texts: list[tuple[object, str, Callable[[str], object]]] = []
        self._quiet = 0
        self.job = BackgroundJob(background)
        self.lang_toggle = w.ToggleButtons(
            options=[(name, code) for code, name in i18n.LANGS], value=lang, style={"button_width": "80px"}
        )
        self.lang_toggle.add_class("ar-lang")
        self.lang_caption = w.HTML()
        self.text(self.lang_caption, "value", lambda lang: f"<b>{i18n.t('ui.lang.label', lang)}</b>")
        self.title = w.HTML()
        self.text(self.title, "value", lambda lang: f"<h2>{html.escape(i18n.t(self.title_key, lang))}</h2>")
        self.header = w.HBox(
            [
                self.title,
                w.HBox(
                    [self.lang_caption, self.lang_toggle],
                    layout=w.Layout(align_items="center", margin="0 0 0 auto"),
                ),
            ],
            layout=w.Layout(align_items="center", width="100%"),
        )
        self.header.add_class("ar-header")
        self.status = w.HTML()
        self._status = None
        self.progress = w.IntProgress(
            value=0, min=0, max=1, layout=w.Layout(width="320px", visibility="hidden")
        )
        self.progress.add_class("ar-progress")
        self.lang_toggle.observe(self._on_lang, names="value")

    # ---------------------------------------------------------------- language
    @property
    def lang(self) -> str:
        """Current language code."""
        return self.lang_toggle.value

    def text(self, widget, attr: str, source) -> None:
        """Keep ``widget.attr`` in the current language.

        ``source`` is a translation key or a callable ``lang → value``.
        """
        fn = (lambda lang, key=source: i18n.t(key, lang)) if isinstance(source, str) else source
        self._texts.append((widget, attr, fn))
        self._apply_text(widget, attr, fn)

    def _apply_text(self, widget, attr, fn) -> None:
        new = fn(self.lang)
        if attr == "options":
            with self.quiet():
                keep = widget.value
                widget.options = new
                if keep in [v for _, v in new]:
                    widget.value = keep
        elif attr == "titles":
            widget.titles = tuple(new)
        else:
            setattr(widget, attr, new)

    def set_lang(self, lang: str, render: bool = True) -> None:
        """Switch every text of the dashboard to ``lang`` (``'en'`` or ``'zh'``).

        With ``render=False`` (a dashboard on a tab that is not shown) the results are
        redrawn in the new language only by the next :meth:`refresh`.
        """
        self._render_on_lang = render
        try:
            self.lang_toggle.value = lang  # the observer does the work
        finally:
            self._render_on_lang = True

    def refresh(self) -> None:
        """Bring texts and results into the current language if a language switch left them behind."""
        if getattr(self, "_render_pending", False):
            self._render_pending = False
            self._on_lang({"new": self.lang})

    def _on_lang(self, change) -> None:
        if not getattr(self, "_render_on_lang", True):
            # not on screen: every text and result is redrawn by the next refresh() (each changed
            # text is a message to the page, and a hidden form has hundreds)
            self._render_pending = True
            return
        for widget, attr, fn in self._texts:
            self._apply_text(widget, attr, fn)
        if self._status is not None:
            kind, payload = self._status
            if kind == "error":
                self.show_error(payload, log_it=False)
            else:
                self.show_status(kind, **payload)
        try:
            self.render()
        except Exception as exc:
            self.show_error(exc)

    def render(self) -> None:
        """Redraw results in the current language (subclasses)."""

    @contextlib.contextmanager
    def quiet(self):
        """Suspend the dashboard's callbacks while several widgets are changed together."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    # ---------------------------------------------------------------- messages
    def show_error(self, exc: Exception, log_it: bool = True) -> None:
        """Show an error as one sentence (logged with its traceback on the server only)."""
        if isinstance(exc, (InputFileError, ScenarioError, FileNotFoundError)):
            text = messages.text_of(exc, self.lang)
        else:
            if log_it:
                log.exception("dashboard callback failed", exc_info=exc)
            text = i18n.t("ui.error.unexpected", self.lang, error=type(exc).__name__)
        self._status = ("error", exc)
        self.status.value = f"<div class='ar-error' id='status-error'>{html.escape(text)}</div>"
        self.progress.layout.visibility = "hidden"

    def show_status(self, key: str | None, **fields) -> None:
        """Show a status line from the translation table (``None`` clears it)."""
        if key is None:
            self._status = None
            self.status.value = ""
            return
        self._status = (key, fields)
        self.status.value = (
            f"<div class='ar-muted' id='status'>{html.escape(i18n.t(key, self.lang, **fields))}</div>"
        )

    def start_progress(self, total: int) -> None:
        """Show the progress bar at 0 of ``total`` steps."""
        self.progress.max = max(int(total), 1)
        self.progress.value = 0
        self.progress.bar_style = "info"
        self.progress.layout.visibility = "visible"

    def step_progress(self, done: int, total: int) -> None:
        """Move the progress bar to ``done`` of ``total``."""
        self.progress.max = max(int(total), 1)
        self.progress.value = min(int(done), self.progress.max)

    def end_progress(self) -> None:
        """Hide the progress bar."""
        self.progress.value = self.progress.max
        self.progress.layout.visibility = "hidden"

    # ---------------------------------------------------------------- display
    def _root(self, *children) -> w.VBox:
        box = w.VBox([w.HTML(_CSS), self.header, *children], layout=w.Layout(width="100%"))
        box.add_class("agriremed")
        return box

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


#: Environment variable naming a folder of user tables (e.g. a function from ``agriremed fit-uptake``)
#: that the dashboards add to the packaged tables (``run.sh dash --tables DIR``).
TABLES_ENV = "AGRIREMED_TABLES"


def _packaged_tables() -> Tables:
    """The packaged tables, with the user folder of :data:`TABLES_ENV` added when it is set."""
    return _tables_in(os.environ.get(TABLES_ENV, "").strip())


@functools.lru_cache(maxsize=4)
def _tables_in(folder: str) -> Tables:
    return load_tables(folder) if folder else load_tables()
