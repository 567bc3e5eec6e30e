"""Plot assessment: one plot's GB 15618 class per metal and its crop against food limits.

The form has one field per input column of the column registry (labels and units
from the registry, in English or Chinese), so a column added to the input contract
appears here without code changes. Every change validates the plot with
:func:`agriremed.validate_plots` and, when it is valid, runs the soil and uptake
stages (:func:`agriremed.stages.soil.screen`, :func:`agriremed.stages.soil.plot_classes`,
:func:`agriremed.stages.uptake.predict_crop_concentration`, :func:`agriremed.stages.uptake.food_safety`).
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
import numpy as np
import pandas as pd

from agriremed.core import columns as C
from agriremed.core import i18n, messages
from agriremed.stages import soil as soil_mod
from agriremed.stages import uptake as uptake_mod
from agriremed.stages.advice import food_limit_metals, food_standards, plot_food_standards
from agriremed.core.scenario import FOOD_STANDARDS
from agriremed.io.validate import Validation, validate_plots
from agriremed.apps.dashboards import figures as F
from agriremed.apps.dashboards._base import (Dashboard, FigureSlot, fmt_number, guarded, html_table,
                                             light_of_compliance)

__all__ = ["PlotAssessment", "NEW_PLOT", "load_plots", "plot_text"]

#: Form values of a new plot: an identifier and the most common land use and crop. Every
#: measured quantity (area, pH, soil properties, metals) starts blank with a placeholder
#: saying whether it is required: a prefilled value would look like measured data.
NEW_PLOT: dict[str, str] = {
    "plot_id": "NEW-01",
    "land_use": "paddy",
    "crop": "rice",
}
NEW = "__new__"

_PLOT = ("plot_id", "region", "land_use", "crop", "area_ha", "lat", "lon")
_SOIL = (
    "ph",
    "som_pct",
    "clay_pct",
    "bulk_density_g_cm3",
    "depth_m",
    "cec_cmol_kg",
    "ph_kcl",
    "ipcc_soil_class",
)
_CLIMATE = ("annual_rain_mm", "mean_temp_c", "climate_zone")


def _sections() -> dict[str, list[str]]:
    """Input columns of the registry grouped into the form's sections (new columns go to 'other')."""
    inputs = C.input_columns()
    total = [c.name for c in inputs if c.group == "metal" and "extraction" not in c.extra]
    extract = [c.name for c in inputs if c.group == "metal" and "extraction" in c.extra]
    known = set(_PLOT) | set(_SOIL) | set(_CLIMATE) | set(total) | set(extract)
    names = {c.name for c in inputs}
    return {
        "plot": [n for n in _PLOT if n in names],
        "soil": [n for n in _SOIL if n in names],
        "metals": total,
        "climate": [n for n in _CLIMATE if n in names],
        "extractable": extract,
        "other": [c.name for c in inputs if c.name not in known],
    }


def load_plots(plots, tables=None) -> Validation:
    """Validate a plot table given as a path, a DataFrame or a :class:`Validation`."""
    if plots is None or isinstance(plots, Validation):
        return plots
    return validate_plots(plots if not isinstance(plots, str) else Path(plots), tables)


def plot_text(value) -> str:
    """A plot-table cell as form text ('' for missing; numbers without trailing zeros)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.10g}"
    return str(value)


def _columns(table: w.Widget, figure: w.Widget) -> w.HBox:
    """A table beside its figure (45 % / 55 %), the figure under the table on a narrow screen."""
    left = w.Box([table], layout=w.Layout(width="45%"))
    right = w.Box([figure], layout=w.Layout(width="55%"))
    left.add_class("ar-col")
    right.add_class("ar-col")
    row = w.HBox([left, right])
    row.add_class("ar-cols")
    return row


class PlotAssessment(Dashboard):
    """Form for one plot with its live GB 15618 class per metal and predicted crop metal.

    Parameters
    ----------
    plots : str, Path, pandas.DataFrame or Validation, optional
        Table of plots to pick from (e.g. ``data/samples/plots.csv``).
    plot_id : str, optional
        Plot shown first (default: the first valid plot, or a new plot).
    lang, scenario, tables, background
        See :class:`~agriremed.apps.dashboards._base.Dashboard`.

    Attributes
    ----------
    fields : dict
        Input column → widget.
    validation : Validation
        Validation of the form's plot.
    soil, soil_plot, uptake : pandas.DataFrame
        Soil screening per metal, the plot's class, and crop predictions vs food limits
        (empty while the plot has errors).
    """

    defer_gc = True

    title_key = "ui.assess.title"

    def __init__(
        self,
        plots=None,
        plot_id: str | None = None,
        lang: str = "en",
        scenario=None,
        tables=None,
        background=None,
    ):
        super().__init__(lang, scenario, tables, background)
        self.table = pd.DataFrame()
        self.validation: Validation | None = None
        self.soil = pd.DataFrame()
        self.soil_plot = pd.DataFrame()
        self.uptake = pd.DataFrame()
        self.unassessed = pd.DataFrame()
        self.on_plot_change: list = []  # callbacks(self) after each successful update

        self.picker = w.Dropdown(layout=w.Layout(width="420px"), style={"description_width": "150px"})
        self.picker.add_class("ar-picker")
        self.text(self.picker, "description", "ui.assess.pick")
        self.standard = w.Dropdown(layout=w.Layout(width="380px"), style={"description_width": "120px"})
        self.text(
            self.standard,
            "options",
            lambda lang: [(i18n.value("standard", s, lang), s) for s in ("auto", *FOOD_STANDARDS)],
        )
        self.standard.value = self.scenario.food_standard
        self.plot_standard = self.scenario.food_standard  # the form's plot's standard, once assessed
        self.text(self.standard, "description", "ui.assess.standard")

        self.fields: dict[str, w.Widget] = {}
        sections = _sections()
        boxes = {}
        for sec, names in sections.items():
            head = w.HTML()
            self.text(
                head, "value", lambda lang, s=sec: f"<h3>{html.escape(i18n.t('ui.section.' + s, lang))}</h3>"
            )
            boxes[sec] = w.VBox(
                [head] + [self._field(n) for n in names], layout=w.Layout(width="33%", padding="0 8px 0 0")
            )
            boxes[sec].add_class("ar-col")  # columns side by side; stacked on a narrow screen
        self.form = w.HBox([boxes["plot"], boxes["soil"], boxes["metals"]], layout=w.Layout(width="100%"))
        self.form.add_class("ar-cols")
        more = [boxes[s] for s in ("climate", "extractable", "other") if sections[s]]
        more_box = w.HBox(more, layout=w.Layout(width="100%"))
        more_box.add_class("ar-cols")
        self.more = w.Accordion(children=[more_box], selected_index=None)
        self.text(self.more, "titles", lambda lang: [i18n.t("ui.assess.more", lang)])

        self.problems_html = w.HTML()
        self.banner = w.HTML()
        self.soil_html = w.HTML()
        self.crop_html = w.HTML()
        self.soil_fig = FigureSlot("soil", width=640)
        self.crop_fig = FigureSlot("crop", width=640)
        self.soil_head, self.crop_head = w.HTML(), w.HTML()
        self.text(self.soil_head, "value", lambda lang: f"<h3>{i18n.t('ui.assess.soil_head', lang)}</h3>")
        self.text(self.crop_head, "value", lambda lang: f"<h3>{i18n.t('ui.assess.crop_head', lang)}</h3>")

        top = w.HBox([self.picker, self.standard])
        top.add_class("ar-row")
        self.widget = self._root(
            top,
            self.form,
            self.more,
            self.status,
            self.problems_html,
            self.banner,
            self.soil_head,
            _columns(self.soil_html, self.soil_fig.box),
            self.crop_head,
            _columns(self.crop_html, self.crop_fig.box),
        )
        self.picker.observe(self._on_pick, names="value")
        self.standard.observe(lambda ch: self.update(), names="value")
        self.set_table(load_plots(plots, self.tables), plot_id)

    # ---------------------------------------------------------------- form
    def _field(self, name: str) -> w.Widget:
        col = C.COLUMNS[name]
        style = {"description_width": "190px"}
        lay = w.Layout(width="98%")
        if name == "crop":
            wid = w.Dropdown(style=style, layout=lay)
            self.text(
                wid,
                "options",
                lambda lang: [(f"{i18n.crop_name(c, lang)} ({c})", c) for c in self.tables.crops["crop"]],
            )
        elif col.dtype == "category":
            blank = [] if col.required == "required" else [("—", "")]
            wid = w.Dropdown(style=style, layout=lay)
            self.text(
                wid,
                "options",
                lambda lang, col=col, blank=blank: (
                    blank + [(i18n.value(col.name, v, lang), v) for v in col.categories]
                ),
            )
        else:
            wid = w.Text(style=style, layout=lay, continuous_update=False)
            if col.dtype in ("float", "int"):
                self.text(
                    wid,
                    "placeholder",
                    lambda lang, col=col: i18n.t(
                        "ui.assess.placeholder_metal"
                        if col.group == "metal"
                        else "ui.assess.placeholder_" + col.required,
                        lang,
                    ),
                )
        wid.add_class(f"ar-field-{name}")
        self.text(wid, "description", lambda lang, n=name: i18n.label(n, lang))
        self.text(wid, "tooltip", lambda lang, col=col: col.description if lang == "en" else col.label_zh)
        wid.observe(lambda ch: self.update(), names="value")
        self.fields[name] = wid
        return wid

    def set_table(self, plots: Validation | None, plot_id: str | None = None) -> None:
        """Offer the valid plots of a table in the picker and show ``plot_id`` (or the first)."""
        self.table = plots.plots if plots is not None else pd.DataFrame()
        self._picker_options = lambda lang: (
            [
                (f"{pid} — {reg}" if isinstance(reg, str) and reg else pid, pid)
                for pid, reg in zip(
                    self.table.get("plot_id", []),
                    self.table.get("region", pd.Series([""] * len(self.table))),
                    strict=True,
                )
            ]
            + [(i18n.t("ui.assess.new_plot", lang), NEW)]
        )
        self._texts = [x for x in self._texts if x[0] is not self.picker or x[1] != "options"]
        self.text(self.picker, "options", self._picker_options)
        first = (
            plot_id if plot_id is not None else (self.table["plot_id"].iloc[0] if len(self.table) else NEW)
        )
        if self.picker.value == first:
            self._on_pick(None)
        else:
            self.picker.value = first

    def form_values(self) -> dict[str, str]:
        """Current form texts by input column."""
        return {n: ("" if wid.value is None else str(wid.value)) for n, wid in self.fields.items()}

    def fill(self, values: dict) -> None:
        """Set the form to ``values`` (column → value; missing columns become blank) and update once."""
        with self.quiet():
            for n, wid in self.fields.items():
                text = plot_text(values.get(n))
                if isinstance(wid, w.Dropdown):
                    allowed = [v for _, v in wid.options]
                    wid.value = text if text in allowed else allowed[0]
                else:
                    wid.value = text
        self.update()

    @guarded
    def _on_pick(self, _change) -> None:
        pid = self.picker.value
        if pid == NEW or pid is None or not len(self.table):
            self.fill(NEW_PLOT)
            return
        row = self.table.loc[self.table["plot_id"] == pid].iloc[0]
        self.fill(row.to_dict())

    # ---------------------------------------------------------------- compute
    def plot_frame(self) -> pd.DataFrame:
        """The form as a one-row plot table of texts (what a user would type in a CSV).

        Required and recommended columns are always present (so a blank one is reported);
        optional columns only when filled in, as in a table without them.
        """
        keep = {c.name for c in C.input_columns() if c.required in ("required", "recommended")}
        return pd.DataFrame({n: [v] for n, v in self.form_values().items() if n in keep or v.strip()})

    @guarded
    def update(self) -> None:
        """Validate the form's plot and recompute soil classes and crop predictions."""
        v = validate_plots(self.plot_frame(), self.tables)
        self.validation = v
        if v.plots.empty:
            self.soil, self.soil_plot, self.uptake = pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
            self.unassessed = pd.DataFrame()
        else:
            screened = soil_mod.screen(v.plots, self.tables, self.scenario.threshold_set,
                                           self.scenario.rotation_screening)
            self.soil = screened
            self.soil_plot = soil_mod.plot_classes(screened, v.plots["plot_id"].to_numpy(object), None,
                                                   v.plots["field_id"].to_numpy(object) if "field_id" in v.plots
                                                   else None)
            pred, miss = uptake_mod.predict_and_unassessed(v.plots, tables=self.tables)
            region = v.plots["region"] if "region" in v.plots else [None] * len(v.plots)
            std = plot_food_standards(v.plots["plot_id"], region, self.standard.value, self.scenario.rule_set,
                                      self.tables)  # one name, or per plot under "auto"
            # the form's plot's own standard (the figure names it; "auto" is no standard)
            self.plot_standard = str(food_standards(region, self.standard.value, self.scenario.rule_set,
                                                    self.tables)[0])
            self.uptake = uptake_mod.food_safety(pred, std, self.tables)
            miss = uptake_mod.above_screening(miss, screened)
            # a metal without a food limit in the standard (Cu, Zn under GB 2762) is not "not assessed"
            self.unassessed = miss.loc[food_limit_metals(
                miss["crop"], miss["metal"], uptake_mod.row_standards(std, miss["plot_id"]),
                self.tables)] if len(miss) else miss
        self.render()
        if not v.plots.empty:
            for cb in self.on_plot_change:
                cb(self)

    @property
    def plot_class(self) -> str | None:
        """GB 15618 class of the form's plot (None while it has errors)."""
        return None if self.soil_plot.empty else self.soil_plot["soil_class"].iloc[0]

    # ---------------------------------------------------------------- render
    def render(self) -> None:
        """Draw tables, banner and figures from the last results in the current language."""
        lang = self.lang
        self._render_problems(lang)
        if self.soil_plot.empty:
            self.banner.value = (
                f"<div class='ar-error' id='plot-class' data-class=''>"
                f"{html.escape(i18n.t('ui.assess.fix_errors', lang))}</div>"
            )
            self.soil_html.value = self.crop_html.value = ""
            self.soil_fig.show(F.empty_figure(i18n.t("ui.fig.no_data", lang)))
            self.crop_fig.show(F.empty_figure(i18n.t("ui.fig.no_data", lang)))
            return
        sp = self.soil_plot.iloc[0]
        cls = sp["soil_class"]
        detail = ""
        if isinstance(sp["controlling_metal"], str) and sp["controlling_metal"]:
            detail = i18n.t(
                "ui.assess.controlling",
                lang,
                metal=i18n.metal_name(sp["controlling_metal"], lang),
                ratio=fmt_number(sp["max_exceedance_ratio"], 2),
            )
        self.banner.value = (
            f"<div class='ar-banner class-{cls}' id='plot-class' data-class='{cls}'>"
            f"{html.escape(i18n.label('soil_class', lang) + i18n.colon(lang))}"
            f"<b>{html.escape(i18n.value('soil_class', cls, lang))}"
            f"</b> <span class='ar-muted'>{html.escape(detail)}</span></div>"
        )
        # built first, then put on the page together: the charts arrive with the tables
        soil_fig = F.soil_exceedance(self.soil, lang)
        crop_fig = F.crop_vs_limits(self.uptake, lang, self.plot_standard)
        soil, crop = self._soil_table(lang), self._crop_table(lang)
        self.soil_html.value = soil
        self.soil_fig.show(soil_fig)
        self.crop_html.value = crop
        self.crop_fig.show(crop_fig)

    def _render_problems(self, lang: str) -> None:
        v = self.validation
        if v is None or v.problems.empty:
            self.problems_html.value = ""
            return
        p = v.problems
        show = pd.DataFrame(
            {
                "severity": [i18n.value("severity", s, lang) for s in p["severity"]],
                "column": [
                    i18n.label(c, lang, with_unit=False) if isinstance(c, str) and c else ""
                    for c in p["column"]
                ],
                "value": p["value"].map(plot_text),
                "problem": list(messages.column_texts(p, "problem", lang, self.tables)),
                "expected": list(messages.column_texts(p, "expected", lang, self.tables)),
            }
        )
        heads = {c: i18n.t(f"ui.problems.{c}", lang) for c in show.columns}
        css = pd.DataFrame({"severity": np.where(p["severity"] == "error", "light-red", "light-amber")})
        self.problems_html.value = html_table(show, "form-problems", heads, classes=css)

    def _soil_table(self, lang: str) -> str:
        s = self.soil
        df = pd.DataFrame(
            {
                "metal": [i18n.metal_name(m, lang) for m in s["metal"]],
                "conc_mg_kg": s["conc_mg_kg"].map(fmt_number),
                "screening_mg_kg": s["screening_mg_kg"].map(fmt_number),
                "intervention_mg_kg": s["intervention_mg_kg"].map(fmt_number),
                "exceedance_ratio": s["exceedance_ratio"].map(lambda x: fmt_number(x, 3)),
                "soil_class": [
                    i18n.value("soil_class", c, lang) if isinstance(c, str) else "" for c in s["soil_class"]
                ],
            }
        )
        measured = s["conc_mg_kg"].notna().to_numpy()
        css = pd.DataFrame({"soil_class": ["class-" + str(c) for c in s["soil_class"]]})
        heads = {c: i18n.label(c, lang) for c in df.columns}
        return html_table(
            df.loc[measured],
            "soil-table",
            heads,
            classes=css.loc[measured].reset_index(drop=True),
            numeric=set(df.columns[1:5]),
        )

    def _not_assessed_note(self, lang: str) -> str:
        """The metals above screening whose concentration in the crop cannot be predicted ('' if none)."""
        m = self.unassessed
        if m is None or m.empty:
            return ""
        names = i18n.join_list((i18n.metal_name(x, lang) for x in dict.fromkeys(m["metal"])), lang)
        why = ("；" if lang == "zh" else "; ").join(dict.fromkeys(messages.column_texts(m, "reason", lang, self.tables)))
        text = i18n.t("ui.assess.not_assessed", lang, metals=names)
        return (f"<p class='ar-not-assessed'><b>{html.escape(text)}</b> "
                f"<span class='ar-muted'>{html.escape(why)}</span></p>")

    def _crop_table(self, lang: str) -> str:
        u = self.uptake
        note = self._not_assessed_note(lang)
        if u.empty:
            return f"<p class='ar-muted'>{html.escape(i18n.t('ui.fig.crop.none', lang))}</p>" + note
        df = pd.DataFrame(
            {
                "metal": [i18n.metal_name(m, lang) for m in u["metal"]],
                "crop_fw_p50_mg_kg": u["crop_fw_p50_mg_kg"].map(fmt_number),
                "interval": [
                    f"{fmt_number(a)}–{fmt_number(b)}" if not np.isnan(a) else ""
                    for a, b in zip(u["crop_fw_p05_mg_kg"], u["crop_fw_p95_mg_kg"], strict=True)
                ],
                "food_limit_mg_kg": u["food_limit_mg_kg"].map(fmt_number),
                "p_exceed_limit": u["p_exceed_limit"].map(lambda x: fmt_number(x, pct=True)),
                # a user's fit the plot lies beyond the data of is carried on by the packaged function's change
                # (extrapolated); without that, the function used instead of the fit says so
                "function_id": [i18n.t("ui.assess.fit_carried", lang, fit=k.split(" (")[0], function=f)
                                if isinstance(k, str) and k and bool(x) else
                                f"{f} ({messages.selection_text('skipped ' + k, lang)})"
                                if isinstance(k, str) and k else f
                                for f, k, x in zip(u["function_id"].fillna(""),
                                                   u["user_fit_skipped"].astype(object) if "user_fit_skipped" in u
                                                   else [None] * len(u),
                                                   u["extrapolated"].astype(object).fillna(False)
                                                   if "extrapolated" in u else [False] * len(u), strict=True)],
            }
        )
        heads = {c: i18n.label(c, lang) for c in df.columns}
        heads["interval"] = i18n.t("ui.assess.interval", lang, unit=i18n.unit("mg/kg", lang))
        heads["p_exceed_limit"] = i18n.label("p_exceed_limit", lang, with_unit=False)
        lights = light_of_compliance(1.0 - u["p_exceed_limit"].to_numpy(float), self.tables)
        css = pd.DataFrame({"p_exceed_limit": [f"light-{x}" if x else "" for x in lights]})
        return html_table(
            df,
            "crop-table",
            heads,
            classes=css,
            numeric={"crop_fw_p50_mg_kg", "interval", "food_limit_mg_kg", "p_exceed_limit"},
        ) + note
