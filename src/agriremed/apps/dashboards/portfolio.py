"""Portfolio: upload a table of many plots, see the rejected rows, plan the rest, download.

An uploaded CSV or Excel file is validated with :func:`agriremed.validate_plots`;
rows with errors are listed (row, plot, column, value, problem, expected) and the
valid rows are planned with :func:`agriremed.plan` in chunks, so a progress bar
moves and the page stays responsive. Chunking does not change any number: Monte
Carlo draws depend on the seed and the parameter, not on which plots are planned
together (see :func:`plan_in_chunks`). The scenario switches (rule set, economics view,
non-compliant-grain rule; :mod:`agriremed.apps.dashboards.switches`) plan the table again, and
the settings of the plan shown are stated above its results.
"""

from __future__ import annotations

import dataclasses
import html
import tempfile
from pathlib import Path

import ipywidgets as w
import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from agriremed.core import i18n, messages, places
from agriremed.io.readers import excel_sheets, write_csv
from agriremed.engine.plan import Plan, plan
from agriremed.io.outputs import texts_in
from agriremed.io.report import report_html
from agriremed.io.validate import Validation, validate_plots
from agriremed.apps.dashboards import figures as F
from agriremed.apps.dashboards._base import Dashboard, FigureSlot, fmt_number, guarded, html_table
from agriremed.apps.dashboards.download import DownloadButton
from agriremed.apps.dashboards.switches import ScenarioSwitches
from agriremed.io.geo import is_geo_path, plot_geometry, read_layer
from agriremed.io.viz import parcel_map
from agriremed.stages.advice import area_units
from agriremed.stages.seasons import counted_once

__all__ = ["Portfolio", "plan_in_chunks", "region_groups", "region_summary", "portfolio_totals", "ACCEPT"]

#: File types the upload accepts.
ACCEPT = ".csv,.txt,.xlsx,.xls,.xlsm,.parquet,.gpkg,.geojson,.zip"
#: Region levels of ``Province/City/Village`` region texts.
LEVELS = (1, 2, 3)


def _geo_plots(plots, tables=None):
    """A GIS file (:mod:`agriremed.io.geo`) as a validated table with its read notes, and the geometry
    by plot id (by the layer row each plot was read from: the season rows of a field, D4~早稻 and D4~晚稻 of
    the layer's D4, keep theirs); anything else unchanged, with no geometry."""
    if not is_geo_path(plots):
        return plots, None
    layer = read_layer(plots)
    v = validate_plots(layer.table, tables)
    v.notes[:0] = layer.notes
    return v, plot_geometry(layer, v.plots)


def plan_in_chunks(v: Validation, scenario, tables=None, chunk_size: int = 200, report=None) -> Plan:
    """Plan the valid plots of ``v`` in chunks and join the results into one :class:`Plan`.

    Parameters
    ----------
    v : Validation
        Validated plot table (its rejected rows and problems are kept in the result).
    scenario : Scenario
        Planner assumptions.
    tables : Tables, optional
        Literature tables.
    chunk_size : int
        Plots per call of :func:`agriremed.plan`.
    report : callable, optional
        Called as ``report(done, total)`` after each chunk [plots].

    Returns
    -------
    Plan
        The same tables, in the same row order and with the same dtypes, as one call of
        :func:`agriremed.plan` on all plots (checked in ``tests/test_dashboards.py``): every
        DataFrame attribute of :class:`~agriremed.Plan` (stage tables, ``metal_fate``,
        ``carbon_by_year``, ``targets``, ``trajectories``, ``schedule``, ``scores`` …) is
        joined; ``rejected``, ``skipped``, ``problems`` and ``n_input`` are those of ``v``, ``notes`` those of
        ``v`` followed by the plan-level notes (rule set, biochar, currency);
        ``scenario``, ``tables`` and ``version`` are the same for every chunk.
        :meth:`~agriremed.Plan.yearly_cash_flows` works on the joined tables.
    """
    P = v.plots
    n = len(P)
    if n == 0:
        raise ValueError("no valid plot to plan")
    parts = []
    for start in range(0, n, chunk_size):
        rows = P.iloc[start : start + chunk_size].reset_index(drop=True)
        sub = Validation(
            plots=rows, rejected=v.rejected.iloc[0:0], problems=v.problems.iloc[0:0], n_input=len(rows)
        )
        parts.append(plan(sub, scenario, tables=tables, progress=False))
        if report is not None:
            report(min(start + chunk_size, n), n)
    if len(parts) == 1:
        joined = parts[0]
    else:
        frames = {
            f.name: _join([getattr(p, f.name) for p in parts])
            for f in dataclasses.fields(Plan)
            if isinstance(getattr(parts[0], f.name), pd.DataFrame)
        }
        joined = dataclasses.replace(parts[0], **frames, reuse={})  # stage inputs of one chunk only
    # the reader's notes, then the plan-level notes every chunk shares (rule set, biochar, currency)
    return dataclasses.replace(
        joined, rejected=v.rejected, problems=v.problems, n_input=v.n_input, skipped=v.skipped,
        notes=list(v.notes) + list(parts[0].notes),
    )


def _metal_major(frame: pd.DataFrame) -> bool:
    """Whether a stage table lists all plots for one metal, then all plots for the next."""
    if not {"metal", "plot_id"} <= set(frame.columns) or frame["plot_id"].nunique() < 2:
        return False

    def runs(s):
        return int((s != s.shift()).sum())

    return (
        runs(frame["metal"]) == frame["metal"].nunique()
        and runs(frame["plot_id"]) > frame["plot_id"].nunique()
    )


def _join(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate one stage table of several chunks in the row order of a single plan.

    A categorical column (e.g. ``schedule.food_crop``) has the categories its chunk
    holds; the joined column has the union, sorted, as one plan of all plots has.
    """
    filled = [f for f in frames if len(f)] or frames[:1]
    out = pd.concat(filled, ignore_index=True)
    for c in filled[0].columns:
        if all(isinstance(f[c].dtype, pd.CategoricalDtype) for f in filled) and not isinstance(
            out[c].dtype, pd.CategoricalDtype
        ):
            out[c] = union_categoricals([f[c] for f in filled], sort_categories=True)
    if any(_metal_major(f) for f in filled):
        rank = {m: i for i, m in enumerate(pd.unique(out["metal"]))}
        out = out.iloc[np.argsort(out["metal"].map(rank).to_numpy(), kind="stable")].reset_index(drop=True)
    return out


def region_groups(regions, level: int = 1, lang: str = "en", tables=None) -> list[str]:
    """The group of each region at a level of the country's divisions, named in ``lang``.

    Parameters
    ----------
    regions : sequence of str
        Regions as the plots table gives them (any spelling :func:`agriremed.core.i18n.region_path`
        reads: ``'Hunan/Zhuzhou/Lukou'``, ``'湖南省湘潭市'``, or a city or county alone, ``'湘潭县'``).
    level : int
        How many parts of the placed region to keep: 1 = province, 2 = the city (or the
        first part below the province), 3 = the next part (county or village).
    lang : {"en", "zh"}
        Language of the group names.
    tables : Tables, optional
        Literature tables (``provinces.csv``).

    Returns
    -------
    list of str
        One group name per region: the province and the parts below it down to ``level``
        (``'Hunan/Xiangtan'``, ``'湖南省/湘潭市'``; a part the national places table does not
        hold as written), so a region written without its province is grouped under its
        province. A region whose province cannot be told (a name no place has, or one that
        several places share: ``'朝阳区'``, ``'Suzhou'``) goes to the group
        ``ui.portfolio.region_unknown``; a missing or blank region to ``'—'``.

    Examples
    --------
    >>> region_groups(["湘潭县", "Hunan/Zhuzhou/Lukou", "Atlantis", ""], 1)
    ['Hunan', 'Hunan', 'Province not identified', '—']
    >>> region_groups(["湘潭县", "湖南/株洲/渌口"], 3, "zh")
    ['湖南省/湘潭市/湘潭县', '湖南省/株洲市/渌口区']
    """
    english = places.place_english()
    unknown = i18n.t("ui.portfolio.region_unknown", lang)
    names: dict[str, str] = {}
    out = []
    for region in regions:
        key = "" if region is None or (isinstance(region, float) and region != region) else str(region).strip()
        if key not in names:
            path = i18n.region_path(key, tables)
            if not key:
                names[key] = "—"
            elif not i18n.region_province(key, tables):
                names[key] = unknown
            else:
                parts = [
                    english.get(path[: i + 1]) or (part.title() if part.isascii() else part)
                    for i, part in enumerate(path[:level])
                ]
                name = "/".join(parts)
                names[key] = i18n.region_name(name, "zh", tables) if lang == "zh" else name
        out.append(names[key])
    return out


def region_summary(summary: pd.DataFrame, level: int = 1, lang: str = "en", tables=None) -> pd.DataFrame:
    """Plots, area, soil classes and recommended options per region.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Plan.summary``.
    level : int
        Level of the country's divisions to group by (:func:`region_groups`: 1 = province,
        2 = city, 3 = the part below it).
    lang : {"en", "zh"}
        Language of the region names.
    tables : Tables, optional
        Literature tables (``provinces.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per region: ``region``, ``plots`` (summary rows), ``area_ha`` [ha], area per soil class
        [ha] (``area_<class>_ha``), ``net_co2e_t`` [t CO₂e] of the recommended options over
        the horizon (the amounts of :func:`agriremed.stages.seasons.counted_once`, as the report's totals: a
        field of several season rows counts its area once, a whole-year option on several of them its carbon
        once), and ``recommended`` (option id → number of plots; ``""`` counts the
        plots for which no option applies, so the numbers add up to ``plots``).

    Examples
    --------
    >>> s = pd.DataFrame({"region": ["Hunan/Zhuzhou", "湘潭县", "Atlantis"], "area_ha": [1.0, 2.0, 4.0],
    ...                   "soil_class": ["strict_control", "safe_utilisation", "strict_control"],
    ...                   "recommended_option": ["fallow", "fallow", "miscanthus"],
    ...                   "net_co2e_t": [1.0, 2.0, 3.0]})
    >>> region_summary(s)[["region", "plots", "area_ha", "area_strict_control_ha"]].values.tolist()
    [['Hunan', 2, 3.0, 1.0], ['Province not identified', 1, 4.0, 4.0]]
    """
    reg = region_groups(summary["region"].tolist(), level, lang, tables)
    # the amounts every total adds (as the report): a field's area once, a whole-year plan of its season rows once
    once = counted_once(summary, tables)
    d = summary.assign(_region=np.asarray(reg, dtype=object), _area=once["area_ha"].to_numpy(float),
                       _area_class=once["area_class_ha"].to_numpy(float), _co2=once["co2e_t"].to_numpy(float))
    g = d.groupby("_region", sort=True)
    out = pd.DataFrame({"plots": g.size(), "area_ha": g["_area"].sum()})
    for cls in ("priority_protection", "safe_utilisation", "strict_control"):
        out[f"area_{cls}_ha"] = d.loc[d["soil_class"] == cls].groupby("_region")["_area_class"].sum()
    out[[c for c in out.columns if c.startswith("area_")]] = out.filter(like="area_").fillna(0.0)
    out["net_co2e_t"] = g["_co2"].sum(min_count=1)
    # a plot without an applicable option counts under "" (so the counts add up to the plots)
    out["recommended"] = (
        d.assign(_opt=d["recommended_option"].astype(object).where(d["recommended_option"].notna(), ""))
        .groupby("_region", sort=True)["_opt"]
        .agg(lambda s: s.value_counts(sort=True).to_dict())
    )
    return out.rename_axis("region").reset_index()


def portfolio_totals(summary: pd.DataFrame, tables=None) -> dict:
    """The plan's totals shown as key figures: ``area_ha`` [ha] and ``net_co2e_t`` [t CO₂e over the horizon],
    the amounts of :func:`agriremed.stages.seasons.counted_once` summed (as the report's totals: a field of
    several season rows counts its area once, a whole-year option on several of them its carbon once).

    >>> portfolio_totals(pd.DataFrame({"plot_id": ["a~早稻", "a~晚稻"], "field_id": ["a", "a"],
    ...     "area_ha": [1.0, 1.0], "recommended_option": ["sorghum", "sorghum"], "net_co2e_t": [2.0, 2.0]}))
    {'area_ha': 1.0, 'net_co2e_t': 2.0}
    """
    once = counted_once(summary, tables)
    return {"area_ha": float(once["area_ha"].sum()), "net_co2e_t": float(once["co2e_t"].sum())}


class Portfolio(Dashboard):
    """Upload many plots, list rejected rows, plan the others, map, summarise and download.

    Parameters
    ----------
    plots : str, Path, pandas.DataFrame or Validation, optional
        Table planned when the dashboard opens (e.g. the sample plots).
    sample : str or Path, optional
        File behind the "use the sample plots" button.
    chunk_size : int
        Plots planned per step of the progress bar.
    lang, scenario, tables, background
        See :class:`~agriremed.apps.dashboards._base.Dashboard`.

    Attributes
    ----------
    validation : Validation or None
        Validation of the last table loaded.
    result : Plan or None
        Plan of its valid rows.
    on_planned : list of callable
        Called with the dashboard after each successful plan.
    """

    title_key = "ui.portfolio.title"

    def __init__(
        self,
        plots=None,
        sample=None,
        chunk_size: int = 200,
        lang: str = "en",
        scenario=None,
        tables=None,
        background=None,
    ):
        super().__init__(lang, scenario, tables, background)
        self.validation: Validation | None = None
        self.result: Plan | None = None
        self.source_name = ""
        self.chunk_size = int(chunk_size)
        self.sample = Path(sample) if sample is not None else None
        self.on_planned: list = []

        self.upload = w.FileUpload(accept=ACCEPT, multiple=False, layout=w.Layout(width="auto"))
        self.upload.add_class("ar-upload")
        self.text(self.upload, "description", "ui.portfolio.upload")
        self.sample_button = w.Button(
            icon="table", layout=w.Layout(width="auto", display=None if self.sample is not None else "none")
        )
        self.text(self.sample_button, "description", "ui.portfolio.sample")
        # a workbook with data on several sheets: the officer picks the sheet of plots
        self.sheet = w.Dropdown(options=[], value=None, style={"description_width": "auto"},
                                layout=w.Layout(width="auto", display="none"))
        self.sheet.add_class("ar-sheet")
        self.text(self.sheet, "description", "ui.portfolio.sheet")
        self._workbook: tuple[str, str, bytes] | None = None  # name, suffix, content of that workbook
        self.help = w.HTML()
        self.text(
            self.help,
            "value",
            lambda lang: f"<span class='ar-muted'>{html.escape(i18n.t('ui.portfolio.help', lang))}</span>",
        )
        self.kpis = w.HTML()
        # the plan command's --rules, --economics-view and --noncompliant-grain: a change plans the table again
        self.switches = ScenarioSwitches(self, self.scenario, self.tables, label_px=230)
        self.settings = w.HTML()  # the settings of the plan shown, never silent
        self.errors_html = w.HTML()
        self.colour_by = w.ToggleButtons(style={"button_width": "auto"})
        self.text(
            self.colour_by,
            "options",
            lambda lang: [
                (i18n.t("ui.portfolio.by_class", lang), "soil_class"),
                (i18n.t("ui.portfolio.by_option", lang), "recommended_option"),
            ],
        )
        self.colour_by.value = "soil_class"
        self.map_fig = FigureSlot("map", width=1000)
        self.level = w.Dropdown(style={"description_width": "120px"})
        self.text(
            self.level, "options", lambda lang: [(i18n.t(f"ui.portfolio.level{k}", lang), k) for k in LEVELS]
        )
        self.text(self.level, "description", "ui.portfolio.level")
        self.level.value = 1
        self.region_html = w.HTML()
        self.summary_html = w.HTML()
        self.downloads = {
            "plan": DownloadButton("plan.csv", "text/csv", self._plan_csv),
            "summary": DownloadButton("summary.csv", "text/csv", self._summary_csv),
            "rejected": DownloadButton("rejected.csv", "text/csv", self._rejected_csv),
            "report": DownloadButton("report.html", "text/html", self._report),
        }
        for k, b in self.downloads.items():
            self.text(b, "description", f"ui.portfolio.download_{k}")
            b.disabled = True
        heads = {k: w.HTML() for k in ("errors", "map", "regions", "plots", "downloads")}
        for k, h in heads.items():
            self.text(
                h,
                "value",
                lambda lang, k=k: f"<h3>{html.escape(i18n.t('ui.portfolio.head_' + k, lang))}</h3>",
            )
        self.planned = w.VBox(
            [
                heads["map"],
                self.colour_by,
                self.map_fig.box,
                heads["regions"],
                self.level,
                self.region_html,
                heads["plots"],
                self.summary_html,
            ],
            layout=w.Layout(display="none", width="100%"),
        )
        self.results = w.VBox(
            [
                heads["errors"],
                self.errors_html,
                heads["downloads"],
                w.HBox(list(self.downloads.values())),
                self.planned,
            ],
            layout=w.Layout(display="none", width="100%"),
        )
        self.widget = self._root(
            w.HBox([self.upload, self.sample_button, self.sheet], layout=w.Layout(align_items="center")),
            self.help,
            self._switch_box(),
            w.HBox([self.progress, self.status], layout=w.Layout(align_items="center")),
            self.kpis,
            self.settings,
            self.results,
        )

        self.upload.observe(self._on_upload, names="value")
        self.sheet.observe(self._on_sheet, names="value")
        self.sample_button.on_click(lambda _b: self.load(self.sample))
        self.colour_by.observe(lambda ch: self._render_map(), names="value")
        self.level.observe(lambda ch: self._render_regions(), names="value")
        self.switches.observe(self._on_switch)
        if plots is not None:
            self.load(plots)

    def _switch_box(self) -> w.VBox:
        box = w.VBox(list(self.switches.widgets))
        box.add_class("ar-noprint")
        return box

    def current_scenario(self):
        """The scenario with the rule set, economics view and non-compliant-grain rule set on the page."""
        return self.scenario.replace(**self.switches.changes())

    @guarded
    def _on_switch(self, change) -> None:
        """Plan the valid rows of the table shown again with the switches' settings."""
        v = self.validation
        if v is None or v.plots.empty:
            return
        self.result = None
        self.settings.value = ""
        for b in self.downloads.values():
            b.disabled = True
        self.downloads["rejected"].disabled = v.rejected.empty
        self._render_results()
        self._render_kpis()
        self._plan_valid(v)

    # ---------------------------------------------------------------- load and plan
    @guarded
    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        suffix = Path(f["name"]).suffix.lower() or ".csv"
        content = bytes(f["content"])
        with self.quiet():
            self.upload.value = ()  # the same file can be uploaded again (and the widget lets go of it)
            self.sheet.options, self.sheet.layout.display = [], "none"
        self._workbook = None
        if suffix in (".xlsx", ".xlsm", ".xls"):
            full = self._sheets_with_data(suffix, content)
            if len(full) > 1:  # ask which sheet holds the plots (the reader would refuse to guess)
                self._workbook = (f["name"], suffix, content)
                with self.quiet():
                    self.sheet.options = full
                    self.sheet.value = None
                self.sheet.layout.display = None
                self.show_status("ui.portfolio.choose_sheet", file=f["name"], n=len(full))
                return
        self._load_bytes(f["name"], suffix, content)

    @staticmethod
    def _sheets_with_data(suffix: str, content: bytes) -> list[str]:
        with tempfile.TemporaryDirectory(prefix="agriremed-upload-") as d:
            tmp = Path(d) / f"upload{suffix}"
            tmp.write_bytes(content)
            try:
                return [name for name, has in excel_sheets(tmp) if has]
            except Exception:  # not a readable workbook: reading it says why, in a sentence
                return []

    @guarded
    def _on_sheet(self, change) -> None:
        if self._workbook is None or change["new"] is None:
            return
        name, suffix, content = self._workbook
        self._load_bytes(name, suffix, content, sheet=change["new"])

    def _load_bytes(self, name: str, suffix: str, content: bytes, sheet: str | None = None) -> None:
        # the file exists only while it is read: validation reads it whole, planning uses the rows read
        with tempfile.TemporaryDirectory(prefix="agriremed-upload-") as d:
            tmp = Path(d) / f"upload{suffix}"
            tmp.write_bytes(content)
            del content
            self.load(tmp, name=name if sheet is None else f"{name} — {sheet}", sheet=sheet)

    @guarded
    def load(self, plots, name: str | None = None, sheet: str | int | None = None) -> None:
        """Validate a table (path, DataFrame or Validation), list its errors and plan its valid rows.

        ``sheet`` names the Excel sheet of plots (needed when a workbook holds data on several).
        """
        self.result = None
        self.validation = None
        self.kpis.value = self.errors_html.value = self.settings.value = ""
        for b in self.downloads.values():
            b.disabled = True
        self.results.layout.display = "none"
        plots, self.geometry = _geo_plots(plots, self.tables)  # a GIS layer: attributes + geometry by plot id
        v = (
            plots
            if isinstance(plots, Validation)
            else validate_plots(Path(plots) if isinstance(plots, str) else plots, self.tables,
                                **({"sheet": sheet} if sheet is not None else {}))
        )
        self.source_name = name or (Path(plots).name if isinstance(plots, (str, Path)) else "")
        self.validation = v
        self.results.layout.display = None
        self._render_results()
        self._render_errors()
        self._render_kpis()
        self.downloads["rejected"].disabled = v.rejected.empty
        if v.plots.empty:
            self.show_status("ui.portfolio.nothing_valid")
            self._render_results()
            return
        self._plan_valid(v)

    def _plan_valid(self, v: Validation) -> None:
        """Plan the valid rows of ``v`` (in the background inside a kernel) with the page's scenario."""
        n = len(v.plots)
        scenario, tables, chunk = self.current_scenario(), self.tables, self.chunk_size
        self.show_status("ui.portfolio.planning", n=n)
        self.start_progress(n)
        self.job.submit(
            lambda report: plan_in_chunks(v, scenario, tables, chunk, report),
            self._planned,
            self.show_error,
            progress=self.step_progress,
        )

    def _planned(self, result: Plan) -> None:
        self.result = result
        self.end_progress()
        skipped = len(getattr(result, "skipped", ()))
        self.show_status("ui.portfolio.planned_skipped" if skipped else "ui.portfolio.planned", n=len(result.plots),
                         rejected=len(result.rejected), skipped=skipped)
        for b in self.downloads.values():
            b.disabled = False
        self.downloads["rejected"].disabled = result.rejected.empty
        self.render()
        for cb in self.on_planned:
            cb(self)

    # ---------------------------------------------------------------- downloads
    def _csv(self, df: pd.DataFrame) -> bytes:
        """``df`` as the CSV file the plan command writes, its sentences in the page's language."""
        tables = self.result.tables if self.result is not None else None
        scenario = self.result.scenario if self.result is not None else None
        with tempfile.TemporaryDirectory(prefix="agriremed-") as d:
            return write_csv(texts_in(df, self.lang, tables, scenario), Path(d) / "x.csv").read_bytes()

    def _plan_csv(self) -> bytes:
        return self._csv(self.result.table)

    def _summary_csv(self) -> bytes:
        return self._csv(self.result.summary)

    def _rejected_csv(self) -> bytes:
        return self._csv(self.validation.rejected)

    def _report(self) -> bytes:
        return report_html(self.result, lang=self.lang).encode("utf-8")

    # ---------------------------------------------------------------- render
    def render(self) -> None:
        """Draw errors, key numbers, the plan's settings, map, region summary and plot list in the current
        language."""
        self._render_errors()
        self._render_kpis()
        self.settings.value = ("" if self.result is None else
                               self.switches.settings_html(self.result.scenario, self.result.summary, self.lang,
                                                           "portfolio-settings"))
        self._render_results()

    def _render_results(self) -> None:
        self._render_map()
        self._render_regions()
        self._render_summary()

    def _render_kpis(self) -> None:
        v, lang = self.validation, self.lang
        if v is None:
            self.kpis.value = ""
            return
        items = [
            ("ui.portfolio.kpi_read", v.n_input, "kpi-read"),
            ("ui.portfolio.kpi_valid", len(v.plots), "kpi-valid"),
            ("ui.portfolio.kpi_rejected", len(v.rejected), "kpi-rejected"),
            *([("ui.portfolio.kpi_skipped", len(v.skipped), "kpi-skipped")] if len(getattr(v, "skipped", ())) else []),
        ]
        if self.result is not None:
            tot = portfolio_totals(self.result.summary, self.tables)
            items += [
                ("ui.portfolio.kpi_area", fmt_number(tot["area_ha"], 4), "kpi-area"),
                ("ui.portfolio.kpi_co2", fmt_number(tot["net_co2e_t"], 4, signed=True), "kpi-co2"),
            ]
        name = f"<div class='ar-muted'>{html.escape(self.source_name)}</div>" if self.source_name else ""
        self.kpis.value = name + "".join(
            f"<span class='ar-kpi' id='{kid}'><b>{html.escape(str(val))}</b>"
            f"{html.escape(i18n.t(key, lang))}</span>"
            for key, val, kid in items
        )

    def _render_errors(self) -> None:
        v, lang = self.validation, self.lang
        if v is None:
            self.errors_html.value = ""
            return
        e = v.errors
        if e.empty:
            self.errors_html.value = (
                f"<p class='ar-ok' id='errors-none'>{html.escape(i18n.t('ui.portfolio.no_errors', lang))}</p>"
                + self._read_notes(lang)
            )
            return
        lines = e["line"] if "line" in e else pd.Series(pd.NA, index=e.index)
        show = pd.DataFrame(
            {
                "input_row": [("" if pd.isna(r) else str(int(r))) for r in e["input_row"]],
                "line": [("" if pd.isna(r) else str(int(r))) for r in lines],
                "plot_id": e["plot_id"].fillna("").astype(str),
                "column": [
                    i18n.label(c, lang, with_unit=False) if isinstance(c, str) and c else ""
                    for c in e["column"]
                ],
                "value": e["value"].map(
                    lambda x: "" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x)
                ),
                "problem": list(messages.column_texts(e, "problem", lang, self.tables)),
                "expected": list(messages.column_texts(e, "expected", lang, self.tables)),
            }
        )
        if not show["line"].ne("").any():  # a DataFrame or Parquet file has no lines
            show = show.drop(columns="line")
        heads = {c: i18n.t(f"ui.problems.{c}", lang) for c in show.columns}
        note = i18n.t("ui.portfolio.errors_note", lang, rows=len(v.rejected), warnings=len(v.warnings))
        self.errors_html.value = (
            f"<p class='ar-muted'>{html.escape(note)}</p>"
            + html_table(show, "errors-table", heads, numeric={"input_row", "line"})
            + self._read_notes(lang)
        )

    def _read_notes(self, lang: str) -> str:
        """How the file was read (encoding, separator, title and empty lines skipped), as a list."""
        notes = list(self.validation.notes) if self.validation is not None else []
        if not notes:
            return ""
        items = "".join(f"<li>{html.escape(messages.text_of(n, lang, self.tables))}</li>" for n in notes)
        head = html.escape(i18n.t("ui.portfolio.read_notes", lang))
        return f"<div class='ar-muted' id='read-notes'>{head}<ul>{items}</ul></div>"

    def _render_map(self) -> None:
        lang = self.lang
        self.planned.layout.display = "none" if self.result is None else None
        if self.result is None:
            return
        if getattr(self, "geometry", None) is not None and len(self.geometry):
            s, sc = self.result.summary, self.result.scenario
            region = s["region"].to_numpy(object) if "region" in s else np.full(len(s), None, dtype=object)
            units = area_units(region, sc.area_unit, sc.rule_set, self.result.tables)
            self.map_fig.show(parcel_map(s, self.geometry, self.colour_by.value, lang=lang, units=units))
            return
        self.map_fig.show(F.plot_map(self.result.summary, self.result.plots, self.colour_by.value, lang))

    def _render_regions(self) -> None:
        lang = self.lang
        if self.result is None:
            self.region_html.value = ""
            return
        r = region_summary(self.result.summary, int(self.level.value), lang, self.tables)
        show = pd.DataFrame(
            {
                "region": r["region"],
                "plots": r["plots"].astype(str),
                "area_ha": r["area_ha"].map(lambda x: fmt_number(x, 4)),
                **{
                    c: r[c].map(lambda x: fmt_number(x, 4))
                    for c in r.columns
                    if c.startswith("area_") and c != "area_ha"
                },
                "net_co2e_t": r["net_co2e_t"].map(lambda x: fmt_number(x, 4, signed=True)),
                "recommended": [
                    i18n.join_list(
                        (f"{self._option(o, lang)}（{k}）" if lang == "zh" else f"{self._option(o, lang)} ({k})"
                         for o, k in d.items()),
                        lang,
                    )
                    for d in r["recommended"]
                ],
            }
        )
        heads = {
            "region": i18n.label("region", lang),
            "plots": i18n.t("ui.portfolio.plots", lang),
            "area_ha": i18n.label("area_ha", lang),
            "net_co2e_t": i18n.label("net_co2e_t", lang),
            "recommended": i18n.label("recommended_option", lang),
        }
        for cls in ("priority_protection", "safe_utilisation", "strict_control"):
            heads[f"area_{cls}_ha"] = f"{i18n.value('soil_class', cls, lang)} [{i18n.unit('ha', lang)}]"
        self.region_html.value = html_table(
            show,
            "region-table",
            heads,
            numeric={c for c in show.columns if c not in ("region", "recommended")},
        )

    def _option(self, option_id, lang: str) -> str:
        """Name of an option, or the text for 'no applicable option'."""
        if isinstance(option_id, str) and option_id:
            return i18n.option_name(option_id, lang, self.tables)
        return i18n.t("ui.portfolio.no_option", lang)

    def _render_summary(self) -> None:
        lang = self.lang
        if self.result is None:
            self.summary_html.value = ""
            return
        s = self.result.summary
        show = pd.DataFrame(
            {
                "plot_id": s["plot_id"],
                "region": s["region"].fillna(""),
                "soil_class": [i18n.value("soil_class", c, lang) for c in s["soil_class"]],
                "recommended_option": [self._option(o, lang) for o in s["recommended_option"]],
                "recommendation": list(messages.column_texts(s, "recommendation", lang, self.tables)),
            }
        )
        css = pd.DataFrame(
            {"soil_class": [f"class-{c} ar-nowrap" for c in s["soil_class"]], "plot_id": "ar-nowrap"},
            index=range(len(s)),
        )
        heads = {c: i18n.label(c, lang) for c in show.columns}
        self.summary_html.value = html_table(show, "summary-table", heads, classes=css)
