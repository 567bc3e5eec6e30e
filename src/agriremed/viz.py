"""Plotly figure builders for notebooks, dashboards and the report.

Every function returns a ``plotly.graph_objects.Figure`` and never displays it.
Axis titles and hover labels come from the column registry, so units appear the
same way everywhere. Figures carry their whole layout at construction, so they can
be wrapped in ``go.FigureWidget`` for dashboards.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import columns as C

__all__ = [
    "exceedance_heatmap",
    "recommendation_overview",
    "duration_ranges",
    "npv_vs_carbon",
    "option_scores",
    "duration_fan",
    "npv_over_time",
    "score_table_figure",
    "tornado_plot",
    "OPTION_COLOURS",
]

#: Stable colours per option (so an option looks the same in every figure).
OPTION_COLOURS = {
    "do_nothing": "#7f7f7f", "sedum_plumbizincicola": "#2ca02c", "pteris_vittata": "#17becf",
    "willow_src": "#8c564b", "miscanthus": "#bcbd22", "biochar_amendment": "#1f1f1f",
    "lime_low_cd_rice": "#1f77b4", "fallow": "#ff7f0e",
    "sedum_alfredii": "#98df8a", "noccaea_caerulescens": "#c5b0d5", "sedum_rice_rotation": "#006d2c",
    "sedum_wheat_intercrop": "#74c476", "tobacco": "#9467bd", "poplar_src": "#c49c94", "sorghum": "#e377c2",
    "maize_energy": "#dbdb8d", "sunflower": "#ffd92f", "ramie": "#8dd3c7", "hemp": "#b3de69",
    "kenaf": "#bebada", "brassica_juncea": "#fb8072", "lime_rice": "#6baed6", "low_cd_rice": "#08519c",
    "flooded_rice": "#9ecae1", "maize_grain": "#fdae6b", "foliar_inhibitor": "#c7e9c0",
}
_LIGHT = {"green": "#2ca02c", "amber": "#ffbf00", "red": "#d62728", None: "#cccccc"}


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(title=title, height=height, template="plotly_white",
                      margin=dict(l=60, r=20, t=60, b=60), legend=dict(orientation="h", y=-0.2))
    return fig


def exceedance_heatmap(screened: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Heat map of exceedance ratios (soil / GB 15618 screening value), plots × metals.

    Parameters
    ----------
    screened : pandas.DataFrame
        Output of :func:`agriremed.soil.screen`.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    plotly.graph_objects.Figure
        Ratios on a log colour scale centred on 1 (blank = not measured).
    """
    wide = screened.pivot_table(index="plot_id", columns="metal", values="exceedance_ratio", sort=False)
    metals = [m for m in C.METALS if m in wide.columns]
    wide = wide[metals]
    z = np.log10(wide.to_numpy(float))
    text = np.where(np.isnan(wide.to_numpy(float)), "", np.vectorize(lambda v: f"{v:.2f}")(
        np.nan_to_num(wide.to_numpy(float))))
    lim = max(1.0, float(np.nanmax(np.abs(z)))) if np.isfinite(z).any() else 1.0
    fig = go.Figure(go.Heatmap(
        z=z, x=[C.METAL_NAMES[m][0] for m in metals], y=wide.index.tolist(), text=text,
        texttemplate="%{text}", zmin=-lim, zmax=lim, zmid=0,
        colorscale=[[0, "#2c7bb6"], [0.5, "#ffffbf"], [1, "#d7191c"]],
        colorbar=dict(title=C.label("exceedance_ratio", lang, with_unit=False), tickvals=[-1, 0, 1, 2],
                      ticktext=["0.1", "1", "10", "100"]),
        hovertemplate="plot %{y}<br>%{x}: %{text} × screening value<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title=C.label("plot_id", lang, with_unit=False))
    fig.update_xaxes(title=C.label("metal", lang, with_unit=False))
    title = "Soil / GB 15618 screening value" if lang == "en" else "土壤含量 / GB 15618 筛选值"
    return _layout(fig, title, height=max(360, 26 * len(wide) + 140))


def recommendation_overview(summary: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Area by soil class and recommended option (stacked bars).

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Plan.summary``.
    lang : {"en", "zh"}
        Label language.
    """
    df = summary.groupby(["soil_class", "recommended_option"], dropna=False)["area_ha"].sum().reset_index()
    fig = go.Figure()
    for opt, g in df.groupby("recommended_option", sort=True):
        fig.add_bar(x=g["soil_class"], y=g["area_ha"], name=str(opt),
                    marker_color=OPTION_COLOURS.get(opt, None))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=C.label("soil_class", lang), categoryorder="array",
                     categoryarray=["priority_protection", "safe_utilisation", "strict_control"])
    fig.update_yaxes(title=C.label("area_ha", lang))
    title = "Area by soil class and recommended option" if lang == "en" else "按土壤类别和推荐方案统计面积"
    return _layout(fig, title)


def duration_ranges(table: pd.DataFrame, lang: str = "en", cap_yr: float = 200.0) -> go.Figure:
    """Years to target (P10–P50–P90) of the applicable removal options of every plot.

    Parameters
    ----------
    table : pandas.DataFrame
        ``Plan.table``.
    lang : {"en", "zh"}
        Label language.
    cap_yr : float
        Durations beyond this are drawn at the cap (marked ``≥ cap``) [yr].
    """
    t = table.loc[table["applicable"] & table["option_kind"].isin(["phytoextraction", "phytomanagement"])]
    fig = go.Figure()
    for opt, g in t.groupby("option_id", sort=False):
        p50 = g["years_p50"].fillna(g["years_to_target"]).to_numpy(float)
        p10 = g["years_p10"].fillna(g["years_to_target"]).to_numpy(float)
        p90 = g["years_p90"].fillna(g["years_to_target"]).to_numpy(float)
        y = np.minimum(p50, cap_yr)
        fig.add_scatter(
            x=g["plot_id"], y=y, mode="markers", name=str(g["option_name"].iloc[0]),
            marker=dict(size=10, color=OPTION_COLOURS.get(opt)),
            error_y=dict(type="data", symmetric=False, array=np.minimum(p90, cap_yr) - y,
                         arrayminus=y - np.minimum(p10, cap_yr)),
            customdata=np.stack([p10, p50, p90], axis=1),
            hovertemplate="%{x}<br>P10 %{customdata[0]:.0f} · P50 %{customdata[1]:.0f} · "
                          "P90 %{customdata[2]:.0f} yr<extra>%{fullData.name}</extra>")
    fig.update_yaxes(title=C.label("years_p50", lang), type="log")
    fig.update_xaxes(title=C.label("plot_id", lang, with_unit=False))
    title = "Years to reach the screening value (P10–P90)" if lang == "en" else "达到筛选值所需年限（P10–P90）"
    return _layout(fig, title)


def npv_vs_carbon(table: pd.DataFrame, lang: str = "en") -> go.Figure:
    """NPV relative to doing nothing against net CO2e relative to doing nothing.

    Parameters
    ----------
    table : pandas.DataFrame
        ``Plan.table`` (applicable options are drawn).
    lang : {"en", "zh"}
        Label language.
    """
    t = table.loc[table["applicable"] & (table["option_id"] != "do_nothing")]
    fig = go.Figure()
    for opt, g in t.groupby("option_id", sort=False):
        fig.add_scatter(x=g["net_co2e_vs_baseline_t_ha_yr"], y=g["npv_vs_baseline_cny_ha"],
                        mode="markers", name=str(g["option_name"].iloc[0]), text=g["plot_id"],
                        marker=dict(size=9, color=OPTION_COLOURS.get(opt),
                                    line=dict(width=np.where(g["recommended"], 2, 0), color="black")),
                        hovertemplate="%{text}<br>%{x:.2f} t CO2e/ha/yr<br>%{y:,.0f} CNY/ha"
                                      "<extra>%{fullData.name}</extra>")
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    fig.add_vline(x=0, line_dash="dot", line_color="grey")
    fig.update_xaxes(title=C.label("net_co2e_vs_baseline_t_ha_yr", lang))
    fig.update_yaxes(title=C.label("npv_vs_baseline_cny_ha", lang))
    title = "Money and carbon relative to doing nothing" if lang == "en" else "相对不治理的经济与碳收益"
    return _layout(fig, title)


def option_scores(table: pd.DataFrame, plot_id: str, lang: str = "en") -> go.Figure:
    """Scores of the options of one plot, with the traffic light of each criterion.

    Parameters
    ----------
    table : pandas.DataFrame
        ``Plan.table``.
    plot_id : str
        Plot to show.
    lang : {"en", "zh"}
        Label language.
    """
    t = table.loc[(table["plot_id"] == plot_id) & table["applicable"]].sort_values("score")
    fig = go.Figure(go.Bar(x=t["score"], y=t["option_name"], orientation="h",
                           marker_color=[OPTION_COLOURS.get(o) for o in t["option_id"]],
                           hovertemplate="%{y}: %{x:.2f}<extra></extra>"))
    crits = ["food_safety", "livelihood", "clean_up", "carbon", "economics"]
    for i, c in enumerate(crits):
        fig.add_scatter(x=[1.03 + 0.05 * i] * len(t), y=t["option_name"], mode="markers",
                        marker=dict(size=14, color=[_LIGHT.get(v) for v in t[f"light_{c}"]]),
                        name=c.replace("_", " "), showlegend=False,
                        hovertemplate=c.replace("_", " ") + ": %{marker.color}<extra></extra>")
    fig.update_xaxes(title=C.label("score", lang), range=[0, 1.3],
                     tickvals=[0, 0.25, 0.5, 0.75, 1.0, 1.03, 1.08, 1.13, 1.18, 1.23],
                     ticktext=["0", "0.25", "0.5", "0.75", "1", "F", "L", "U", "C", "E"])
    title = f"Option scores for plot {plot_id}" if lang == "en" else f"地块 {plot_id} 方案得分"
    return _layout(fig, title, height=max(300, 60 * len(t) + 120))


def _rgba(hex_colour: str | None, alpha: float) -> str:
    h = (hex_colour or "#888888").lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def duration_fan(trajectories: pd.DataFrame, plot_id: str, metal: str | None = None, names=None,
                 lang: str = "en") -> go.Figure:
    """Soil concentration over the years under each removal option of one plot (fan chart).

    Parameters
    ----------
    trajectories : pandas.DataFrame
        ``Plan.trajectories`` (:func:`agriremed.duration.soil_trajectories`).
    plot_id : str
        Plot to show.
    metal : str, optional
        Metal to show (default: the first one in the table for the plot).
    names : mapping, optional
        Option id → display name.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    plotly.graph_objects.Figure
        Median line and P10–P90 band per option (typical line when there are no
        draws) and the target as a dashed line.
    """
    t = trajectories.loc[trajectories["plot_id"] == plot_id]
    metal = metal or (t["metal"].iloc[0] if len(t) else "cd")
    t = t.loc[t["metal"] == metal]
    names = {} if names is None else dict(names)
    fig = go.Figure()
    has_band = "conc_p50_mg_kg" in t
    for opt, g in t.groupby("option_id", sort=False):
        colour = OPTION_COLOURS.get(opt)
        name = str(names.get(opt, opt))
        if has_band:
            fig.add_scatter(x=np.r_[g["year"], g["year"][::-1]],
                            y=np.r_[g["conc_p90_mg_kg"], g["conc_p10_mg_kg"][::-1]], fill="toself",
                            fillcolor=_rgba(colour, 0.18), line=dict(width=0), hoverinfo="skip",
                            showlegend=False, legendgroup=opt)
        y = g["conc_p50_mg_kg"] if has_band else g["conc_mg_kg"]
        fig.add_scatter(x=g["year"], y=y, mode="lines", name=name, legendgroup=opt,
                        line=dict(color=colour, width=2),
                        hovertemplate="year %{x}: %{y:.3f} mg/kg<extra>" + name + "</extra>")
    if len(t):
        fig.add_hline(y=float(t["target_mg_kg"].iloc[0]), line_dash="dash", line_color="black",
                      annotation_text="target" if lang == "en" else "目标", annotation_position="top right")
    fig.update_xaxes(title=C.label("year", lang))
    sym = C.METAL_NAMES.get(metal, (metal, metal))[0]
    fig.update_yaxes(title=f"{sym} " + C.label("conc_p50_mg_kg", lang))
    zh = C.METAL_NAMES.get(metal, (metal, metal))[1]
    title = (f"Soil {sym} under each removal option, plot {plot_id} (median, P10–P90)" if lang == "en"
             else f"地块 {plot_id} 各修复方案下土壤{zh}（中位数，P10–P90）")
    return _layout(fig, title, height=460)


def npv_over_time(cash_flows: pd.DataFrame, plot_id: str, discount_rate: float, names=None,
                  relative_to_baseline: bool = True, lang: str = "en") -> go.Figure:
    """Cumulative discounted cash flow of every option of one plot, year by year.

    Parameters
    ----------
    cash_flows : pandas.DataFrame
        ``Plan.cash_flows`` (:func:`agriremed.economics.yearly_cash_flows`).
    plot_id : str
        Plot to show.
    discount_rate : float
        Real discount rate [yr⁻¹] (the scenario's).
    names : mapping, optional
        Option id → display name.
    relative_to_baseline : bool
        Subtract the do-nothing cash flow (the line crosses 0 in the payback year).
    lang : {"en", "zh"}
        Label language.
    """
    cf = cash_flows.loc[cash_flows["plot_id"] == plot_id]
    net = cf.groupby(["option_id", "year"], sort=False)["cash_flow_cny_ha_yr"].sum().unstack("year")
    years = net.columns.to_numpy(int)
    disc = (net * (1.0 + float(discount_rate)) ** -years).cumsum(axis=1)
    if relative_to_baseline and "do_nothing" in disc.index:
        disc = disc - disc.loc["do_nothing"]
    names = {} if names is None else dict(names)
    fig = go.Figure()
    for opt, row in disc.iterrows():
        name = str(names.get(opt, opt))
        fig.add_scatter(x=years, y=row.to_numpy(float), mode="lines", name=name,
                        line=dict(color=OPTION_COLOURS.get(opt), width=3 if opt == "do_nothing" else 2),
                        hovertemplate="year %{x}: %{y:,.0f} CNY/ha<extra>" + name + "</extra>")
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    fig.update_xaxes(title=C.label("year", lang))
    what = "npv_vs_baseline_cny_ha" if relative_to_baseline else "npv_cny_ha"
    fig.update_yaxes(title=C.label(what, lang))
    title = (f"Cumulative discounted cash flow, plot {plot_id}" if lang == "en"
             else f"地块 {plot_id} 累计折现现金流")
    return _layout(fig, title, height=460)


def score_table_figure(scores: pd.DataFrame, plot_id: str, names=None, lang: str = "en") -> go.Figure:
    """The score table of one plot: criterion values coloured by their traffic light.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``Plan.scores`` (:func:`agriremed.ranking.score_table`).
    plot_id : str
        Plot to show.
    names : mapping, optional
        Option id → display name.
    lang : {"en", "zh"}
        Label language.
    """
    s = scores.loc[scores["plot_id"] == plot_id]
    total = s.groupby("option_id", sort=False)["contribution"].sum().sort_values(ascending=False)
    crits = list(dict.fromkeys(s["criterion"]))
    names = {} if names is None else dict(names)
    fmt = {"food_safety": "{:.0%}", "livelihood": "{:.1f}", "clean_up": "{:.0%}", "carbon": "{:+.1f}",
           "economics": "{:+,.0f}"}
    cells, colours = [[str(names.get(o, o)) for o in total.index]], [["white"] * len(total)]
    for c in crits:
        sub = s.loc[s["criterion"] == c].set_index("option_id").reindex(total.index)
        cells.append([("n/a" if np.isnan(v) else fmt.get(c, "{:.2f}").format(v)) for v in sub["value"]])
        colours.append([{"green": "#d9f2d9", "amber": "#fff2cc", "red": "#f8d7da"}.get(x, "#eeeeee")
                        for x in sub["light"]])
    cells.append([f"{v:.2f}" for v in total.to_numpy(float)])
    colours.append(["white"] * len(total))
    header = ["option"] + [c.replace("_", " ") for c in crits] + ["score"]
    fig = go.Figure(go.Table(header=dict(values=header, fill_color="#f0f4f8", align="left"),
                             cells=dict(values=cells, fill_color=colours, align="left")))
    title = f"Score table, plot {plot_id}" if lang == "en" else f"地块 {plot_id} 评分表"
    return _layout(fig, title, height=max(300, 32 * len(total) + 140))


def tornado_plot(sensitivity: pd.DataFrame, top: int = 10, lang: str = "en") -> go.Figure:
    """Tornado plot of :func:`agriremed.sensitivity.tornado`.

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        Output of :func:`agriremed.sensitivity.tornado`.
    top : int
        Number of values shown (largest swing first).
    lang : {"en", "zh"}
        Label language.
    """
    t = sensitivity.head(top).iloc[::-1]
    base = float(t["base"].iloc[0]) if len(t) else 0.0
    fig = go.Figure()
    for col, name, colour in (("output_at_low", "low end of range", "#2c7bb6"),
                              ("output_at_high", "high end of range", "#d7191c")):
        fig.add_bar(y=t["parameter"], x=t[col] - base, base=base, orientation="h", name=name,
                    marker_color=colour, customdata=np.stack([t["low"], t["high"]], axis=1),
                    hovertemplate="%{y}: %{x:,.3g}<br>range %{customdata[0]:g} – %{customdata[1]:g}"
                                  "<extra>" + name + "</extra>")
    fig.update_layout(barmode="overlay")
    fig.add_vline(x=base, line_color="black")
    out = sensitivity.attrs.get("output", "")
    fig.update_xaxes(title=C.label(out, lang) if out else "")
    title = (f"Sensitivity of {out} for {sensitivity.attrs.get('option_id', '')}, plot "
             f"{sensitivity.attrs.get('plot_id', '')}" if lang == "en" else "敏感性分析")
    return _layout(fig, title, height=max(320, 34 * len(t) + 160))
