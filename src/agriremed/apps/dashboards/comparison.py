"""Option comparison: the remediation options of one plot, ranked with adjustable weights.

Every change of plot or Monte Carlo draws runs :func:`agriremed.plan` for the one plot with
the changed :class:`~agriremed.Scenario`; a change of weights, carbon price or horizon goes
through :func:`agriremed.engine.plan.replan`, which reuses the stages the change does not reach
(a weight change only re-ranks, a carbon price recomputes economics and ranking, a horizon
recomputes years to target onwards) and gives the same numbers as a new plan.
So the table, the charts and the recommendation sentence are the planner's own.

The scenario switches (:mod:`agriremed.apps.dashboards.switches`: rule set, economics view and
non-compliant-grain rule, the plan command's ``--rules``, ``--economics-view`` and
``--noncompliant-grain``) plan again; the settings of the shown plan are stated under the
recommendation, and the table marks the money column the economics view counts.
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np
import pandas as pd

from agriremed.core import i18n, messages
from agriremed.engine.plan import Plan, can_replan, plan, replan
from agriremed.stages.ranking import CRITERIA
from agriremed.core.scenario import DEFAULT_WEIGHTS
from agriremed.io.validate import Validation
from agriremed.apps.dashboards import figures as F
from agriremed.stages.advice import BASELINE_TEXT, years_text
from agriremed.stages.duration import NOT_CLEAN_UP_CODES
from agriremed.stages.economics import VIEW_COLUMNS
from agriremed.apps.dashboards._base import (Dashboard, FigureSlot, fmt_number, fmt_years, guarded,
                                             html_table, light_legend)
from agriremed.apps.dashboards.assessment import load_plots
from agriremed.apps.dashboards.download import DownloadButton
from agriremed.apps.dashboards.switches import ScenarioSwitches
from agriremed.io.sheets import sheet_pdf
from agriremed.stages.softreuse import SERVICES, for_plan

__all__ = ["OptionComparison", "DRAW_CHOICES"]

#: Monte Carlo draws offered (0 = deterministic only).
DRAW_CHOICES = (0, 200, 500, 2000)

#: The money columns of the options table per hectare against doing nothing: the combined NPV, the
#: farmer's NPV and the programme's cost; the one the economics view counts is marked.
NPV_COLUMNS = tuple(c for c, _ in VIEW_COLUMNS.values())


def _slider(kind, value, lo, hi, step, fmt: str, label_px: int):
    """A slider that reports only when released (one plan per move, not one per pixel)."""
    return kind(
        value=value,
        min=lo,
        max=hi,
        step=step,
        continuous_update=False,
        readout_format=fmt,
        style={"description_width": f"{label_px}px"},
        layout=w.Layout(width=f"{label_px + 270}px"),
    )


def one_plot(v: Validation, plot_id: str) -> Validation:
    """The validation result restricted to one valid plot (input row kept)."""
    rows = v.plots.loc[v.plots["plot_id"] == plot_id].reset_index(drop=True)
    empty = v.problems.iloc[0:0]
    return Validation(
        plots=rows, rejected=v.rejected.iloc[0:0], problems=empty, n_input=len(rows), notes=list(v.notes)
    )


class OptionComparison(Dashboard):
    """Options of one plot: duration ranges, NPV and carbon, traffic-light scores, recommendation.

    Parameters
    ----------
    plots : str, Path, pandas.DataFrame or Validation, optional
        Table of plots to pick from.
    plot_id : str, optional
        Plot shown first (default: the first valid plot).
    show_picker : bool
        Show the plot picker (the combined app feeds the plot from the assessment form).
    lang, scenario, tables, background
        See :class:`~agriremed.apps.dashboards._base.Dashboard`.

    Attributes
    ----------
    result : Plan or None
        Plan of the shown plot with the current weights.
    weights : dict
        Criterion → weight slider.
    """

    defer_gc = True

    title_key = "ui.compare.title"

    def __init__(
        self,
        plots=None,
        plot_id: str | None = None,
        show_picker: bool = True,
        lang: str = "en",
        scenario=None,
        tables=None,
        background=None,
    ):
        super().__init__(lang, scenario, tables, background)
        self.result: Plan | None = None
        self.source: Validation | None = None
        self._planned: Validation | None = None  # the plot ``result`` was planned for
        self.table = None

        self.picker = w.Dropdown(
            layout=w.Layout(width="420px", display=None if show_picker else "none"),
            style={"description_width": "150px"},
        )
        self.picker.add_class("ar-picker")
        self.text(self.picker, "description", "ui.compare.pick")
        self.plot_note = w.HTML()

        self.weights: dict[str, w.FloatSlider] = {}
        for c in CRITERIA:
            s = _slider(w.FloatSlider, self.scenario.weights.get(c, 0.0), 0.0, 1.0, 0.05, ".2f", 150)
            s.add_class(f"ar-weight-{c}")
            self.text(s, "description", lambda lang, c=c: i18n.value("criterion", c, lang))
            self.weights[c] = s
        self.reset = w.Button(icon="undo")
        self.text(self.reset, "description", "ui.compare.reset")
        self.horizon = _slider(w.IntSlider, self.scenario.horizon_yr, 5, 50, 1, "d", 170)
        self.text(
            self.horizon,
            "description",
            lambda lang: i18n.t("ui.compare.horizon", lang, unit=i18n.unit("yr", lang)),
        )
        self.carbon_price = _slider(w.FloatSlider, self.scenario.carbon_price_cny_t, 0, 300, 10, ".0f", 170)
        self.text(
            self.carbon_price,
            "description",
            lambda lang: i18n.t("ui.compare.carbon_price", lang, unit=i18n.unit("CNY/t", lang)),
        )
        draws = self.scenario.mc_draws if self.scenario.mc_draws in DRAW_CHOICES else 500
        self.draws = w.Dropdown(style={"description_width": "170px"}, layout=w.Layout(width="440px"))
        self.text(
            self.draws,
            "options",
            lambda lang: [
                (i18n.t("ui.compare.draws_none", lang) if d == 0 else str(d), d) for d in DRAW_CHOICES
            ],
        )
        self.draws.value = draws
        self.text(self.draws, "description", "ui.compare.draws")
        # the plan command's --rules, --economics-view and --noncompliant-grain
        self.switches = ScenarioSwitches(self, self.scenario, self.tables)

        # the settings the shown plan was made with (rule set, economics view, grain rule), never silent
        self.settings = w.HTML()

        self.recommendation = w.HTML()
        # the one-page A4 advice sheet of the shown plot (agriremed.io.sheets), in the page's language
        self.sheet_button = DownloadButton("sheet.pdf", "application/pdf", self.sheet_pdf, disabled=True)
        self.sheet_button.add_class("ar-sheet")
        self.text(self.sheet_button, "description", "ui.compare.sheet")
        self.table_html = w.HTML()
        self.excluded_html = w.HTML()
        self.legend_html = w.HTML()  # the traffic lights explained, on screen and on paper
        self.duration_fig = FigureSlot("duration", width=1100)
        self.money_fig = FigureSlot("money", width=1100)
        heads = {k: w.HTML() for k in ("weights", "scenario", "table", "excluded", "duration", "money")}
        for k, h in heads.items():
            self.text(
                h, "value", lambda lang, k=k: f"<h3>{html.escape(i18n.t('ui.compare.head_' + k, lang))}</h3>"
            )

        controls = w.HBox(
            [
                w.VBox([heads["weights"], *self.weights.values(), self.reset]),
                w.VBox([heads["scenario"], self.horizon, self.carbon_price, self.draws, *self.switches.widgets]),
            ]
        )
        controls.add_class("ar-row")
        controls.add_class("ar-noprint")
        picker_row = w.HBox([self.picker, self.plot_note])
        picker_row.add_class("ar-row")
        self.widget = self._root(
            picker_row,
            controls,
            w.HBox([self.progress, self.status]),
            self.recommendation,
            self.settings,
            self.sheet_button,
            heads["table"],
            self.table_html,
            self.legend_html,
            heads["duration"],
            self.duration_fig.box,
            heads["money"],
            self.money_fig.box,
            heads["excluded"],
            self.excluded_html,
        )

        for s in self.weights.values():
            s.observe(lambda ch: self.update(), names="value")
        for ctl in (self.horizon, self.carbon_price, self.draws, *self.switches.widgets):
            ctl.observe(lambda ch: self.update(), names="value")
        self.reset.on_click(self._on_reset)
        self.picker.observe(self._on_pick, names="value")
        self.set_table(load_plots(plots, self.tables), plot_id)

    # ---------------------------------------------------------------- inputs
    def set_table(self, plots: Validation | None, plot_id: str | None = None) -> None:
        """Offer the valid plots of a table in the picker and show ``plot_id`` (or the first)."""
        self.table = plots
        ids = [] if plots is None else list(plots.plots["plot_id"])
        with self.quiet():
            self.picker.options = ids
        if ids:
            self.picker.value = None
            self.picker.value = plot_id if plot_id in ids else ids[0]

    @guarded
    def _on_pick(self, change) -> None:
        if self.picker.value is None or self.table is None:
            return
        self.use_plot(one_plot(self.table, self.picker.value))

    def use_plot(self, plot: Validation, note_key: str | None = None) -> None:
        """Compare the options of the single valid plot in ``plot`` (a validation result)."""
        self.source = plot
        self._note = note_key
        self._render_note()
        self.update()

    def _render_note(self) -> None:
        if self.source is None or self.source.plots.empty:
            self.plot_note.value = ""
            return
        pid = self.source.plots["plot_id"].iloc[0]
        key = getattr(self, "_note", None) or "ui.compare.plot_note"
        self.plot_note.value = (
            f"<span id='compare-plot'>{html.escape(i18n.t(key, self.lang, plot=pid))}</span>"
        )

    def current_scenario(self):
        """The scenario with the weights, horizon, carbon price, draws, rule set, economics view and
        non-compliant-grain rule set on the page."""
        return self.scenario.replace(
            weights={c: float(s.value) for c, s in self.weights.items()},
            horizon_yr=int(self.horizon.value),
            carbon_price_cny_t=float(self.carbon_price.value),
            mc_draws=int(self.draws.value),
            **self.switches.changes(),
        )

    @guarded
    def _on_reset(self, _button) -> None:
        with self.quiet():
            for c, s in self.weights.items():
                s.value = DEFAULT_WEIGHTS.get(c, 0.0)
        self.update()

    # ---------------------------------------------------------------- compute
    @guarded
    def update(self) -> None:
        """Plan the plot with the current scenario (in the background inside a kernel)."""
        if self.source is None or self.source.plots.empty:
            return
        if sum(s.value for s in self.weights.values()) <= 0:
            self.show_status("ui.compare.zero_weights")
            return
        scenario = self.current_scenario()
        source, tables = self.source, self.tables
        if self.result is not None and self._planned is self.source and can_replan(self.result, scenario):
            # weights, carbon price and horizon enter the stages from years-to-target on:
            # the earlier stages (and their Monte Carlo draws) are reused
            self._done(replan(self.result, scenario), source)
            return
        self.show_status("ui.compare.computing", draws=scenario.mc_draws)
        self.start_progress(1)
        self.job.submit(
            # the page shows the plan and summary tables only: the long detail tables are left out
            lambda report: plan(source, scenario, tables=tables, progress=False, detail=False),
            lambda result: self._done(result, source),
            self.show_error,
        )

    def _done(self, result: Plan, source: Validation | None = None) -> None:
        self.result = result
        self._planned = source
        self.end_progress()
        self.show_status(None)
        self.render()

    # ---------------------------------------------------------------- render
    @property
    def options_table(self) -> pd.DataFrame:
        """Plan table of the shown plot, applicable options first in rank order, then the
        options that do not apply in the order of the option library."""
        if self.result is None:
            return pd.DataFrame()
        t = self.result.table.assign(_na=lambda d: ~d["applicable"].astype(bool))
        return t.sort_values(["_na", "rank"], kind="stable").drop(columns="_na").reset_index(drop=True)

    def recommendation_text(self, lang: str | None = None) -> str:
        """The planner's recommendation sentence for the plot in ``lang``."""
        if self.result is None or self.result.summary.empty:
            return ""
        return messages.column_texts(self.result.summary.iloc[:1], "recommendation", lang or self.lang,
                                     self.tables)[0]

    def sheet_pdf(self) -> bytes:
        """The one-page A4 advice sheet of the shown plot (PDF) in the current language."""
        if self.result is None or self.result.summary.empty:
            return b""
        return sheet_pdf(self.result, str(self.result.summary["plot_id"].iloc[0]), self.lang)

    def render(self) -> None:
        """Draw the recommendation, the option table and both charts in the current language."""
        self._render_note()
        if self.result is None:
            return
        lang = self.lang
        s = self.result.summary.iloc[0]
        name = (
            i18n.option_name(s["recommended_option"], lang, self.tables)
            if isinstance(s["recommended_option"], str)
            else ""
        )
        # everything is built first and then put on the page at once: the charts arrive with the tables
        t = self.options_table
        ok = t["applicable"].astype(bool).to_numpy()
        figs = (F.duration_fan(t, lang), F.money_and_carbon(t, lang, self.counted_column))
        table = self._table(t.loc[ok].reset_index(drop=True), lang)
        excluded = self._excluded(t.loc[~ok].reset_index(drop=True), lang) + soft_reuse_html(self.result, lang)
        legend = light_legend(self.tables, lang, CRITERIA)
        self.recommendation.value = (
            f"<div class='ar-recommendation' id='recommendation' "
            f"data-option='{html.escape(str(s['recommended_option']))}'>"
            f"<b>{html.escape(i18n.label('recommended_option', lang) + i18n.colon(lang))}"
            f"<span id='recommended-name'>{html.escape(name)}</span></b><br>"
            f"<span id='recommendation-sentence'>{html.escape(self.recommendation_text(lang))}</span></div>"
        )
        self.settings.value = self.switches.settings_html(self.result.scenario, self.result.summary, lang,
                                                          "scenario-settings")
        self.sheet_button.filename = f"{s['plot_id']}.pdf"
        self.sheet_button.disabled = False
        self.table_html.value = table
        self.duration_fig.show(figs[0])
        self.money_fig.show(figs[1])
        self.excluded_html.value = excluded
        self.legend_html.value = legend

    def _msg(self, texts, lang: str) -> list[str]:
        return [i18n.message(x, lang, self.tables) if isinstance(x, str) else "" for x in texts]

    def _table(self, t: pd.DataFrame, lang: str) -> str:
        """The applicable options in rank order: numbers, one traffic light per criterion (its
        reason as the cell's tooltip), residue disposal, the option's reason and evidence gaps."""
        years = []
        mids = t["years_p50"].fillna(t["years_to_target"]).to_numpy(float)
        blank = np.full(len(t), "", object)
        kinds = t["option_kind"].fillna("").to_numpy(object) if "option_kind" in t else blank
        targets = t["target_metals"].fillna("").to_numpy(object) if "target_metals" in t else blank
        dkinds = t["duration_kind"].fillna("").to_numpy(object) if "duration_kind" in t else None
        texts = years_text(mids, kinds, targets, dkinds)  # doing nothing: "metals stay in the soil"
        stabilises = np.isin(texts, (*NOT_CLEAN_UP_CODES, BASELINE_TEXT))
        for p10, p50, p90, det, stab, text in zip(
            t["years_p10"], t["years_p50"], t["years_p90"], t["years_to_target"], stabilises, texts,
            strict=True,
        ):
            if stab:  # not a clean-up method: no years
                years.append(messages.render(
                    messages.Message.of(NOT_CLEAN_UP_CODES.get(text, "dur.stay")), lang))
                continue
            mid = p50 if not np.isnan(p50) else det
            spread = not np.isnan(p10) and np.isfinite(mid) and fmt_years(p10) != fmt_years(p90)
            rng = f" ({fmt_years(p10)}–{fmt_years(p90)})" if spread else ""  # no range: one estimate
            years.append(f"{fmt_years(mid)}{rng}")
        df = pd.DataFrame(
            {
                "rank": [fmt_number(r) if r is not pd.NA else "" for r in t["rank"]],
                "option_name": [i18n.option_name(o, lang, self.tables) for o in t["option_id"]],
                "score": t["score"].map(lambda x: fmt_number(x, 2)),
                "years_p50": years,
                "crop_compliance_prob": t["crop_compliance_prob"].map(lambda x: fmt_number(x, pct=True)),
                **{
                    c: t[c].map(lambda x: fmt_number(x, signed=True)) if c in t else [""] * len(t)
                    for c in NPV_COLUMNS
                },
                **self._plot_money(t, lang),
                "net_co2e_vs_baseline_t_ha_yr": t["net_co2e_vs_baseline_t_ha_yr"].map(
                    lambda x: fmt_number(x, 2, signed=True)
                ),
            }
        )
        lights = [f"light_{c}" for c in CRITERIA if f"light_{c}" in t]
        tips = pd.DataFrame(index=df.index)
        for c in lights:
            df[c] = [i18n.value("light", v, lang) if isinstance(v, str) else "" for v in t[c]]
            why = f"why_{c[len('light_') :]}"
            if why in t:
                tips[c] = list(messages.column_texts(t, why, lang, self.tables))
        df["residue_disposal"] = [
            "" if not isinstance(v, str) or v == "none" else i18n.value("residue_disposal", v, lang)
            for v in t.get("residue_disposal", pd.Series([None] * len(t)))
        ]
        df["reason"] = list(messages.column_texts(t, "reason", lang, self.tables))
        df["data_gaps"] = (list(messages.column_texts(t, "data_gaps", lang, self.tables)) if "data_gaps" in t
                           else self._msg(pd.Series([None] * len(t)), lang))
        kinds = [i18n.value("option_kind", k, lang) for k in t["option_kind"]]
        if "evidence" in t:  # partial evidence ranks after complete evidence: say so where it applies
            kinds = [
                k + ("；" if lang == "zh" else "; ") + i18n.value("evidence", e, lang)
                if e == "partial"
                else k
                for k, e in zip(kinds, t["evidence"], strict=True)
            ]
        tips["option_name"] = kinds
        heads = {c: i18n.label(c, lang) for c in df.columns}
        heads["years_p50"] = i18n.t("ui.compare.years", lang, unit=i18n.unit("yr", lang))
        heads["crop_compliance_prob"] = i18n.label("crop_compliance_prob", lang, with_unit=False)
        heads["score"] = i18n.label("score", lang, with_unit=False)
        heads["rank"] = i18n.label("rank", lang, with_unit=False)
        cny = i18n.unit("CNY", lang)
        heads["npv_plot_cny"] = i18n.t("ui.compare.npv_plot", lang, unit=cny)
        heads["cash_flow_year1_plot_cny"] = i18n.t("ui.compare.cash_year1", lang, unit=cny)
        heads["cash_flow_typical_plot_cny_yr"] = i18n.t(
            "ui.compare.cash_typical", lang, unit=i18n.unit("CNY/yr", lang)
        )
        counted = self.counted_column
        heads[counted] = i18n.t("ui.compare.counted", lang, label=heads[counted])
        for c in lights:
            heads[c] = i18n.value("criterion", c[len("light_") :], lang)
        css = pd.DataFrame(
            {c: [f"light-{v} ar-light" if isinstance(v, str) else "ar-light" for v in t[c]] for c in lights}
        )
        css["option_name"] = ["ar-recommended" if r else "" for r in t["recommended"].astype(bool)]
        css["reason"] = css["data_gaps"] = "ar-note"
        css[counted] = "ar-counted"
        return html_table(
            df,
            "options-table",
            heads,
            classes=css,
            numeric={
                "rank",
                "score",
                "years_p50",
                "crop_compliance_prob",
                *NPV_COLUMNS,
                "npv_plot_cny",
                "cash_flow_year1_plot_cny",
                "cash_flow_typical_plot_cny_yr",
                "net_co2e_vs_baseline_t_ha_yr",
            },
            titles=tips,
        )

    @property
    def counted_column(self) -> str:
        """The money column the ranking's economics criterion counts in the shown plan (its
        ``economics_view``: combined NPV, the farmer's NPV or the programme's cost)."""
        view = self.result.scenario.economics_view if self.result is not None else self.scenario.economics_view
        return VIEW_COLUMNS[view][0]

    def _plot_money(self, t: pd.DataFrame, lang: str = "en") -> dict[str, list[str]]:
        """Money of the whole plot beside the NPV per hectare: the NPV relative to doing nothing
        × plot area [CNY], and the option's undiscounted net cash flow in year 1 [CNY] and in a
        typical year [CNY/yr] (actual years of its yearly cash flows,
        :func:`agriremed.stages.economics.typical_year`) × plot area, with the typical year's number."""
        area = np.nan
        if self.result is not None and "area_ha" in self.result.summary:
            area = float(self.result.summary["area_ha"].iloc[0])
        npv = t["npv_vs_baseline_cny_ha"].to_numpy(float) * area
        out = {
            "npv_plot_cny": [fmt_number(x, signed=True) for x in npv],
        }
        for c, per_ha in (("cash_flow_year1_plot_cny", "cash_flow_year1_cny_ha"),
                          ("cash_flow_typical_plot_cny_yr", "cash_flow_typical_cny_ha_yr")):
            v = t[per_ha].to_numpy(float) * area if per_ha in t else np.full(len(t), np.nan)
            out[c] = [fmt_number(x, signed=True) for x in v]
        yr = t["typical_year"].to_numpy(float) if "typical_year" in t else np.full(len(t), np.nan)
        out["cash_flow_typical_plot_cny_yr"] = [
            x if np.isnan(y) or not x else f"{x} ({i18n.t('ui.compare.year_n', lang, year=f'{y:.0f}')})"
            for x, y in zip(out["cash_flow_typical_plot_cny_yr"], yr, strict=True)
        ]
        return out

    def _excluded(self, t: pd.DataFrame, lang: str) -> str:
        """The options that do not apply to the plot, each with the planner's reason."""
        if t.empty:
            text = html.escape(i18n.t("ui.compare.none_excluded", lang))
            return f"<p class='ar-muted' id='excluded-none'>{text}</p>"
        df = pd.DataFrame(
            {
                "option_name": [i18n.option_name(o, lang, self.tables) for o in t["option_id"]],
                "option_kind": [i18n.value("option_kind", k, lang) for k in t["option_kind"]],
                "reason": list(messages.column_texts(t, "reason", lang, self.tables)),
            }
        )
        heads = {c: i18n.label(c, lang) for c in df.columns}
        heads["reason"] = i18n.t("ui.compare.why_excluded", lang)
        return html_table(df, "excluded-table", heads)


def soft_reuse_html(result: Plan, lang: str) -> str:
    """Opportunity matrix of a marginal plot (soft re-uses × service scores), or '' for other land."""
    soft = for_plan(result)
    if soft is None or soft[1].empty:
        return ""
    reuse, m = soft
    names = reuse.set_index(["plot_id", "reuse_id"])["reuse_name_zh" if lang == "zh" else "reuse_name"]
    cols = [f"score_{x}" for x in SERVICES] + ["score_total"]
    df = m[cols].copy()
    df.insert(0, "reuse_name", [names.get((p, r), r) for p, r in zip(m["plot_id"], m["reuse_id"], strict=True)])
    heads = {c: i18n.label(c, lang, with_unit=False) for c in df.columns}
    return f"<h4>{html.escape(i18n.label('score_total', lang, with_unit=False))}</h4>" + html_table(
        df, "opportunity-matrix", heads)
