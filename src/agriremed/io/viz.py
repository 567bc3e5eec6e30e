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

from agriremed.core import columns as C
from agriremed.core import citations, i18n
from agriremed.stages.advice import area_text, area_units, ha_per_mu
from agriremed.stages.soil import CLASS_NAMES

__all__ = [
    "exceedance_heatmap",
    "recommendation_overview",
    "duration_ranges",
    "npv_vs_carbon",
    "option_scores",
    "OPTION_COLOURS",
    "fit_diagnostics",
    "predicted_vs_observed",
    "safe_threshold_curve",
    "biomass_energy_by_option",
    "carbon_waterfall",
    "metal_fate_sankey",
    "carbon_vs_duration",
    "cumulative_carbon",
    "duration_fan",
    "npv_over_time",
    "score_table_figure",
    "tornado_plot",
    "budget_curve",
    "parcel_map",
    "distinct_colours",
    "colour_difference",
    "SOIL_CLASS_COLOURS",
    "NO_OPTION_COLOUR",
]

#: Stable colours per option (so an option looks the same in every figure).
OPTION_COLOURS = {
    "do_nothing": "#7f7f7f", "sedum_plumbizincicola": "#2ca02c", "pteris_vittata": "#17becf",
    "willow_src": "#8c564b", "miscanthus": "#bcbd22", "biochar_amendment": "#1f1f1f",
    "lime_low_cd_rice": "#1f77b4", "fallow": "#ff7f0e",
    "sedum_alfredii": "#98df8a", "noccaea_caerulescens": "#c5b0d5", "sedum_rice_rotation": "#006d2c",
    "sedum_wheat_intercrop": "#74c476", "tobacco": "#9467bd", "poplar_src": "#c49c94", "sorghum": "#e377c2",
    "maize_energy": "#dbdb8d", "sunflower": "#ffd92f", "ramie": "#8dd3c7", "hemp": "#b3de69",
    "kenaf": "#661100", "brassica_juncea": "#fb8072", "lime_rice": "#6baed6", "low_cd_rice": "#08519c",
    "flooded_rice": "#9ecae1", "maize_grain": "#fdae6b", "foliar_inhibitor": "#c7e9c0",
    "vip_n_no_flood": "#990099", "as_fe_si_amendment": "#511cfb", "as_fe_si_low_cd_rice": "#3a5fcd",
    "pv_grass": "#fb00d1",
    "lime_upland_wheat": "#620042", "lime_upland_maize": "#fc0080", "foliar_zn_wheat": "#fb0d0d",
    "foliar_zn_maize": "#1616a7", "low_cd_wheat": "#af0038", "lime_vegetable": "#2ca25f",
}
#: Colour of the plots no option applies to (a light grey, apart from do-nothing's grey).
NO_OPTION_COLOUR = "#d9d9d9"
#: Smallest CIE76 colour difference ΔE*ab [–] between two classes drawn in one map: about four
#: times the just-noticeable difference (ΔE ≈ 2.3), so that two classes side by side read as two.
MIN_COLOUR_DIFFERENCE = 10.0
#: Colours given, in this order, to a class without its own colour or whose own colour is closer
#: than :data:`MIN_COLOUR_DIFFERENCE` to a colour already in the figure.
SPARE_COLOURS = (
    "#2e91e5", "#e15f99", "#1ca71c", "#fb0d0d", "#da16ff", "#222a2a", "#b68100", "#750d86", "#eb663b",
    "#511cfb", "#00a08b", "#fb00d1", "#fc0080", "#b2828d", "#6c7c32", "#778aae", "#862a16", "#a777f1",
    "#620042", "#1616a7", "#da60ca", "#6c4516", "#0d2a63", "#af0038",
)
#: Soil classes in the order of GB 15618 (cleanest first), as drawn on category axes.
SOIL_CLASS_ORDER = ("priority_protection", "safe_utilisation", "strict_control")
_LIGHT = {"green": "#2ca02c", "amber": "#ffbf00", "red": "#d62728", None: "#cccccc"}


def _lab(colours) -> np.ndarray:
    """CIELAB (D65) coordinates [–] of ``#rrggbb`` sRGB colours, one row per colour (IEC 61966-2-1
    sRGB transfer function and matrix; CIE 1976 L*a*b*)."""
    rgb = np.array([[int(str(c).lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)] for c in colours],
                   dtype=float).reshape(-1, 3) / 255.0
    lin = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def colour_difference(a, b) -> np.ndarray:
    """CIE76 colour difference ΔE*ab [–] between each ``#rrggbb`` colour of ``a`` and each of ``b``
    (array of shape ``len(a) × len(b)``)."""
    la, lb = _lab(list(a)), _lab(list(b))
    return np.sqrt(((la[:, None, :] - lb[None, :, :]) ** 2).sum(axis=2))


def distinct_colours(codes, palette: dict, missing: str = NO_OPTION_COLOUR) -> dict:
    """A colour for each class of one figure, every two at least :data:`MIN_COLOUR_DIFFERENCE` apart.

    Parameters
    ----------
    codes : sequence of str
        The classes drawn, in legend order (``""``: no class, e.g. no option applies).
    palette : dict
        Each class's own colour (:data:`OPTION_COLOURS`, :data:`SOIL_CLASS_COLOURS`).
    missing : str
        The colour of ``""``.

    Returns
    -------
    dict
        Class → ``#rrggbb``: its own colour where it has one far enough from the colours of
        the classes before it, otherwise the :data:`SPARE_COLOURS` colour farthest from them.
    """
    out: dict = {}
    for code in codes:
        own = palette.get(code, missing if code == "" else None)
        taken = list(out.values())
        if own is not None and (not taken or colour_difference([own], taken).min() >= MIN_COLOUR_DIFFERENCE):
            out[code] = own
            continue
        spare = [c for c in SPARE_COLOURS if c not in taken]
        if not taken:
            out[code] = spare[0]
            continue
        if not spare:  # more classes than colours: the spare colours again, in order
            spare = list(SPARE_COLOURS)
        out[code] = spare[int(np.argmax(colour_difference(spare, taken).min(axis=1)))]
    return out


def _option_label(option_id, lang: str, fallback=None) -> str:
    """Display name of an option: its Chinese name for ``lang='zh'`` when the option is known,
    otherwise ``fallback`` (e.g. the English ``option_name`` or a caller's name map) or the id."""
    if lang == "zh" and isinstance(option_id, str) and option_id:
        zh = i18n.option_name(option_id, "zh")
        if zh != option_id:
            return zh
    if not (isinstance(option_id, str) and option_id) and fallback is None:
        return i18n.t("ui.portfolio.no_option", lang)
    return str(option_id if fallback is None else fallback)


def _u(unit: str, lang: str) -> str:
    """A registry unit as a hover label writes it in ``lang`` (``'CNY/ha'`` → ``'元/公顷'``)."""
    return i18n.unit(unit, lang)


def figure_layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(title=title, height=height, template="plotly_white",
                      margin=dict(l=60, r=20, t=60, b=60), legend=dict(orientation="h", y=-0.2))
    return fig


def exceedance_heatmap(screened: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Heat map of exceedance ratios (soil / GB 15618 screening value), plots × metals.

    Parameters
    ----------
    screened : pandas.DataFrame
        Output of :func:`agriremed.stages.soil.screen`.
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
        z=z, x=[C.METAL_NAMES[m][1 if lang == "zh" else 0] for m in metals], y=wide.index.tolist(), text=text,
        texttemplate="%{text}", zmin=-lim, zmax=lim, zmid=0,
        colorscale=[[0, "#2c7bb6"], [0.5, "#ffffbf"], [1, "#d7191c"]],
        colorbar=dict(title=i18n.label("exceedance_ratio", lang, with_unit=False), tickvals=[-1, 0, 1, 2],
                      ticktext=["0.1", "1", "10", "100"]),
        hovertemplate=i18n.t("ui.fig.hover.plot", lang) + " %{y}<br>%{x}: %{text} "
        + i18n.t("ui.fig.hover.times_screening", lang) + "<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title=i18n.label("plot_id", lang, with_unit=False))
    fig.update_xaxes(title=i18n.label("metal", lang, with_unit=False))
    title = "Soil / GB 15618 screening value" if lang == "en" else "土壤含量 / GB 15618 筛选值"
    return figure_layout(fig, title, height=max(360, 26 * len(wide) + 140))


def _area_hover(mu: bool, lang: str) -> str:
    """Hover of an area bar: in mu with the hectares in brackets (``customdata``), or in ha."""
    if not mu:
        return "%{x}<br>%{y:,.2f} " + _u("ha", lang) + "<extra>%{fullData.name}</extra>"
    o, c = ("（", "）") if lang == "zh" else (" (", ")")
    return ("%{x}<br>%{y:,.1f} " + _u("mu", lang) + o + "%{customdata:,.2f} " + _u("ha", lang) + c
            + "<extra>%{fullData.name}</extra>")


def recommendation_overview(summary: pd.DataFrame, lang: str = "en", area_unit: str = "ha") -> go.Figure:
    """Area by soil class and recommended option (stacked bars).

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Plan.summary``.
    lang : {"en", "zh"}
        Label language.
    area_unit : {"ha", "mu"}
        Unit of the area axis: hectares, or mu (亩, the unit of a county's land records; the hover
        gives the hectares too).
    """
    df = summary.groupby(["soil_class", "recommended_option"], dropna=False)["area_ha"].sum().reset_index()
    mu = area_unit == "mu"
    per = ha_per_mu() if mu else 1.0
    fig = go.Figure()
    cls = (lambda c: c) if lang == "en" else (lambda c: i18n.value("soil_class", c, lang))
    for opt, g in df.groupby("recommended_option", sort=True):
        name = str(opt) if lang == "en" else _option_label(opt, lang)
        fig.add_bar(x=[cls(c) for c in g["soil_class"]], y=g["area_ha"].to_numpy(float) / per, name=name,
                    marker_color=OPTION_COLOURS.get(opt, None), customdata=g["area_ha"].to_numpy(float),
                    hovertemplate=_area_hover(mu, lang))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=i18n.label("soil_class", lang), categoryorder="array",
                     categoryarray=[cls(c) for c in SOIL_CLASS_ORDER])
    fig.update_yaxes(title=f"{i18n.label('area_ha', lang, with_unit=False)} [{_u(area_unit, lang)}]")
    title = "Area by soil class and recommended option" if lang == "en" else "按土壤类别和推荐方案统计面积"
    return figure_layout(fig, title)


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
            x=g["plot_id"], y=y, mode="markers",
            name=_option_label(opt, lang, g["option_name"].iloc[0]),
            marker=dict(size=10, color=OPTION_COLOURS.get(opt)),
            error_y=dict(type="data", symmetric=False, array=np.minimum(p90, cap_yr) - y,
                         arrayminus=y - np.minimum(p10, cap_yr)),
            customdata=np.stack([p10, p50, p90], axis=1),
            hovertemplate="%{x}<br>P10 %{customdata[0]:.0f} · P50 %{customdata[1]:.0f} · "
                          "P90 %{customdata[2]:.0f} " + _u("yr", lang) + "<extra>%{fullData.name}</extra>")
    fig.update_yaxes(title=i18n.label("years_p50", lang), type="log")
    fig.update_xaxes(title=i18n.label("plot_id", lang, with_unit=False))
    title = "Years to reach the screening value (P10–P90)" if lang == "en" else "达到筛选值所需年限（P10–P90）"
    return figure_layout(fig, title)


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
                        mode="markers", name=_option_label(opt, lang, g["option_name"].iloc[0]),
                        text=g["plot_id"],
                        marker=dict(size=9, color=OPTION_COLOURS.get(opt),
                                    line=dict(width=np.where(g["recommended"], 2, 0), color="black")),
                        hovertemplate="%{text}<br>%{x:.2f} " + _u("t CO2e/ha/yr", lang) + "<br>%{y:,.0f} "
                                      + _u("CNY/ha", lang) + "<extra>%{fullData.name}</extra>")
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    fig.add_vline(x=0, line_dash="dot", line_color="grey")
    fig.update_xaxes(title=i18n.label("net_co2e_vs_baseline_t_ha_yr", lang))
    fig.update_yaxes(title=i18n.label("npv_vs_baseline_cny_ha", lang))
    title = "Money and carbon relative to doing nothing" if lang == "en" else "相对不治理的经济与碳收益"
    return figure_layout(fig, title)


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
    labels = [_option_label(o, lang, n) for o, n in zip(t["option_id"], t["option_name"], strict=True)]
    fig = go.Figure(go.Bar(x=t["score"], y=labels, orientation="h",
                           marker_color=[OPTION_COLOURS.get(o) for o in t["option_id"]],
                           hovertemplate="%{y}: %{x:.2f}<extra></extra>"))
    crits = ["food_safety", "livelihood", "clean_up", "carbon", "economics"]
    for i, c in enumerate(crits):
        crit = c.replace("_", " ") if lang == "en" else i18n.value("criterion", c, lang)
        fig.add_scatter(x=[1.03 + 0.05 * i] * len(t), y=labels, mode="markers",
                        marker=dict(size=14, color=[_LIGHT.get(v) for v in t[f"light_{c}"]]),
                        name=crit, showlegend=False,
                        hovertemplate=crit + ": %{marker.color}<extra></extra>")
    fig.update_xaxes(title=i18n.label("score", lang), range=[0, 1.3],
                     tickvals=[0, 0.25, 0.5, 0.75, 1.0, 1.03, 1.08, 1.13, 1.18, 1.23],
                     ticktext=["0", "0.25", "0.5", "0.75", "1"]
                     + (["F", "L", "U", "C", "E"] if lang == "en" else ["食", "生", "除", "碳", "经"]))
    title = f"Option scores for plot {plot_id}" if lang == "en" else f"地块 {plot_id} 方案得分"
    return figure_layout(fig, title, height=max(300, 60 * len(t) + 120))


# ------------------------------------------------------------ soil → crop transfer functions
_MODEL_COLOURS = {"loglog": "#1f77b4", "bcf": "#ff7f0e", "gbm": "#2ca02c", "mean": "#7f7f7f"}


def fit_diagnostics(fit, lang: str = "en") -> go.Figure:
    """Four diagnostic panels of a fitted transfer function.

    Observed against fitted log10 plant metal (with the 1:1 line and 95 % prediction
    intervals), residuals against fitted values, a normal Q–Q plot of the studentised
    residuals, and Cook's distance of every pair with its threshold.

    Parameters
    ----------
    fit : agriremed.stages.uptake.TransferFit
        Result of :func:`agriremed.stages.uptake.fit_transfer_function`.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from plotly.subplots import make_subplots
    from scipy import stats

    d = fit.diagnostics
    zh = lang == "zh"
    titles = (["观测值与拟合值", "残差与拟合值", "正态Q–Q图", "库克距离"] if zh else
              ["Observed vs fitted", "Residuals vs fitted", "Normal Q–Q", "Cook's distance"])
    fig = make_subplots(rows=2, cols=2, subplot_titles=titles, horizontal_spacing=0.12, vertical_spacing=0.16)
    flag = d["influential"].to_numpy(bool)
    colour = np.where(flag, "#d62728", "#1f77b4")
    hover = i18n.t("ui.fig.hover.pair", lang) + " %{text}<br>%{x:.3f}, %{y:.3f}<extra></extra>"
    text = d["pair_id"].where(d["pair_id"].astype(str) != "", d["input_row"].astype(str)).astype(str)
    lo, hi = float(d[["log10_plant_obs", "log10_plant_fit"]].min().min()), \
        float(d[["log10_plant_obs", "log10_plant_fit"]].max().max())
    order = np.argsort(d["log10_plant_fit"].to_numpy())
    x_fit = d["log10_plant_fit"].to_numpy()[order]
    for bound, show in (("plant_pi_high_mg_kg", True), ("plant_pi_low_mg_kg", False)):
        fig.add_scatter(x=x_fit, y=np.log10(d[bound].to_numpy()[order]), mode="lines",
                        name="95 % 预测区间" if zh else "95 % PI",
                        line=dict(color="#aaaaaa", dash="dot"), showlegend=show, row=1, col=1)
    fig.add_scatter(x=d["log10_plant_fit"], y=d["log10_plant_obs"], mode="markers", text=text,
                    marker=dict(color=colour, size=6),
                    name="样本对" if zh else "pairs", hovertemplate=hover, row=1, col=1)
    fig.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", line=dict(color="black"), name="1:1", row=1, col=1)
    fig.add_scatter(x=d["log10_plant_fit"], y=d["residual_log10"], mode="markers", text=text,
                    marker=dict(color=colour, size=6), showlegend=False, hovertemplate=hover, row=1, col=2)
    fig.add_hline(y=0, line_dash="dot", line_color="grey", row=1, col=2)
    r = np.sort(d["studentized_residual"].to_numpy(float))
    q = stats.norm.ppf((np.arange(1, len(r) + 1) - 0.5) / len(r))
    fig.add_scatter(x=q, y=r, mode="markers", marker=dict(size=5, color="#1f77b4"), showlegend=False,
                    hovertemplate="%{x:.2f}, %{y:.2f}<extra></extra>", row=2, col=1)
    fig.add_scatter(x=[q[0], q[-1]], y=[q[0], q[-1]], mode="lines", line=dict(color="black"),
                    showlegend=False, row=2, col=1)
    fig.add_bar(x=d["input_row"], y=d["cooks_distance"], marker_color=colour, showlegend=False, text=text,
                hovertemplate=i18n.t("ui.fig.hover.pair", lang) + " %{text}: %{y:.3f}<extra></extra>", row=2, col=2)
    fig.add_hline(y=fit.stats["cooks_threshold"], line_dash="dash", line_color="#d62728", row=2, col=2)
    log_label = "log10 作物含量" if zh else "log10 plant"
    fig.update_xaxes(title=f"{log_label} ({'拟合' if zh else 'fitted'})", row=1, col=1)
    fig.update_yaxes(title=f"{log_label} ({'观测' if zh else 'observed'})", row=1, col=1)
    fig.update_xaxes(title=f"{log_label} ({'拟合' if zh else 'fitted'})", row=1, col=2)
    fig.update_yaxes(title=i18n.label("residual_log10", lang, with_unit=False), row=1, col=2)
    fig.update_xaxes(title="normal quantile" if not zh else "正态分位数", row=2, col=1)
    fig.update_yaxes(title=i18n.label("studentized_residual", lang, with_unit=False), row=2, col=1)
    fig.update_xaxes(title=i18n.label("input_row", lang, with_unit=False), row=2, col=2)
    fig.update_yaxes(title=i18n.label("cooks_distance", lang, with_unit=False), row=2, col=2)
    s = fit.stats
    if zh:
        title = f"{fit.function_id}：R² = {s['r2']:.2f}，残差标准误 = {s['se_log10']:.3f}，n = {s['n']}"
    else:
        title = (f"{fit.function_id}: R² = {s['r2']:.2f}, residual SE = {s['se_log10']:.3f} log10, "
                 f"n = {s['n']}")
    return figure_layout(fig, title, height=720)


def predicted_vs_observed(cv_predictions: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Out-of-fold predictions against observations, one colour per model.

    Parameters
    ----------
    cv_predictions : pandas.DataFrame
        ``TransferFit.cv_predictions`` (``model``, ``log10_plant_obs``,
        ``log10_plant_pred``).
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    plotly.graph_objects.Figure
        Scatter on log10 axes with the 1:1 line; the legend gives each model's RMSE.
    """
    fig = go.Figure()
    p = cv_predictions
    for model, g in p.groupby("model", sort=False):
        rmse = float(np.sqrt(np.mean((g["log10_plant_pred"] - g["log10_plant_obs"]) ** 2)))
        fig.add_scatter(x=g["log10_plant_obs"], y=g["log10_plant_pred"], mode="markers",
                        name=f"{model} (RMSE {rmse:.3f})", marker=dict(size=6, opacity=0.7,
                                                                       color=_MODEL_COLOURS.get(model)))
    lo = float(min(p["log10_plant_obs"].min(), p["log10_plant_pred"].min()))
    hi = float(max(p["log10_plant_obs"].max(), p["log10_plant_pred"].max()))
    fig.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", line=dict(color="black"), name="1:1")
    fig.update_xaxes(title=i18n.label("log10_plant_obs", lang, with_unit=False))
    fig.update_yaxes(title=i18n.label("log10_plant_pred", lang, with_unit=False), scaleanchor="x")
    title = ("Cross-validated predictions against observations (log10 mg/kg)" if lang == "en"
             else "交叉验证预测值与实测值（log10 mg/kg）")
    return figure_layout(fig, title, height=520)


def safe_threshold_curve(curves: pd.DataFrame, screening: pd.DataFrame | None = None,
                         lang: str = "en") -> go.Figure:
    """Safe soil threshold against soil pH for one or more transfer functions.

    Parameters
    ----------
    curves : pandas.DataFrame
        Rows of :func:`agriremed.stages.uptake.safe_soil_curve` (``function_id``, ``ph``,
        ``safe_soil_mg_kg``), possibly for several functions.
    screening : pandas.DataFrame, optional
        ``ph`` and ``screening_mg_kg`` of a soil threshold set, drawn as a step line
        for comparison (e.g. GB 15618 paddy Cd).
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    plotly.graph_objects.Figure
        Log-scale soil concentration against pH.
    """
    fig = go.Figure()
    for fid, g in curves.groupby("function_id", sort=False):
        fig.add_scatter(x=g["ph"], y=g["safe_soil_mg_kg"], mode="lines", name=str(fid),
                        hovertemplate="pH %{x:.2f}: %{y:.3g} mg/kg<extra>%{fullData.name}</extra>")
    if screening is not None:
        fig.add_scatter(x=screening["ph"], y=screening["screening_mg_kg"], mode="lines", line_shape="hv",
                        line=dict(color="black", dash="dash"),
                        name="GB 15618 screening value" if lang == "en" else "GB 15618 筛选值")
    fig.update_xaxes(title=i18n.label("ph", lang))
    fig.update_yaxes(title=i18n.label("safe_soil_mg_kg", lang), type="log")
    title = ("Soil metal at which the crop meets its food limit" if lang == "en"
             else "作物达到食品限量时的土壤含量")
    return figure_layout(fig, title)


def biomass_energy_by_option(table: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Harvested biomass and useful energy of each option (median over the plots where it applies).

    Parameters
    ----------
    table : pandas.DataFrame
        ``Plan.table``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars of ``biomass_t_dm_ha_yr`` (left axis) and ``useful_energy_gj_ha_yr`` and
        ``fossil_energy_displaced_gj_ha_yr`` (right axis), one group per option.
    """
    t = table.loc[table["applicable"] & table["biomass_t_dm_ha_yr"].notna()]
    g = t.groupby("option_id", sort=False).agg(
        name=("option_name", "first"), biomass=("biomass_t_dm_ha_yr", "median"),
        energy=("useful_energy_gj_ha_yr", "median"), pathway=("energy_pathway", "first"))
    x = [f"{_option_label(o, lang, n)} ({i18n.value('energy_pathway', p, lang) if lang == 'zh' else p})"
         for o, n, p in zip(g.index, g["name"], g["pathway"], strict=True)]
    fig = go.Figure()
    fig.add_bar(x=x, y=g["biomass"], name=i18n.label("biomass_t_dm_ha_yr", lang), offsetgroup=0,
                marker_color=[OPTION_COLOURS.get(o) for o in g.index])
    fig.add_bar(x=x, y=g["energy"], name=i18n.label("useful_energy_gj_ha_yr", lang), offsetgroup=1, yaxis="y2",
                marker_color="#9ecae1")
    fig.update_layout(barmode="group", yaxis2=dict(overlaying="y", side="right",
                                                   title=i18n.label("useful_energy_gj_ha_yr", lang)))
    fig.update_yaxes(title=i18n.label("biomass_t_dm_ha_yr", lang), selector=dict(anchor="x"))
    title = "Biomass and useful energy by option (median over plots)" if lang == "en" else \
        "各方案生物量与有效能量（地块中位数）"
    return figure_layout(fig, title)


def carbon_waterfall(ledger: pd.DataFrame, plot_id: str, option_id: str, lang: str = "en",
                     tables=None) -> go.Figure:
    """Waterfall of the carbon-ledger terms of one plot × option, ending at the net value.

    Parameters
    ----------
    ledger : pandas.DataFrame
        ``Plan.carbon_ledger``.
    plot_id, option_id : str
        The row to draw.
    lang : {"en", "zh"}
        Label language.
    tables : Tables, optional
        Literature tables whose sources the hover cites by their short citations (default: the packaged ones).

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per quantified term [t CO₂e ha⁻¹ yr⁻¹] (positive = removal or avoided
        emission) and a total bar; terms not quantified are listed in the hover text.
    """
    led = ledger.loc[(ledger["plot_id"] == plot_id) & (ledger["option_id"] == option_id)]
    q = led.loc[led["co2e_t_ha_yr"].notna()]
    names = [i18n.label(f"{t}_co2e_t_ha_yr", lang, with_unit=False) for t in q["term"]]
    net = float(q["co2e_t_ha_yr"].sum())
    fig = go.Figure(go.Waterfall(
        x=names + [i18n.label("net_co2e_t_ha_yr", lang, with_unit=False)],
        y=list(q["co2e_t_ha_yr"]) + [net], measure=["relative"] * len(q) + ["total"],
        text=[f"{v:+.2f}" for v in q["co2e_t_ha_yr"]] + [f"{net:+.2f}"], textposition="outside",
        customdata=[f"{m} · {citations.short_cites(s, lang, tables)}" for m, s in zip(q["term_method"], q["source"],
                                                                                     strict=True)] + [""],
        hovertemplate="%{x}: %{y:.3f} " + _u("t CO2e/ha/yr", lang) + "<br>%{customdata}<extra></extra>",
        increasing=dict(marker_color="#2ca02c"), decreasing=dict(marker_color="#d62728"),
        totals=dict(marker_color="#1f77b4")))
    fig.update_yaxes(title=i18n.label("co2e_t_ha_yr", lang))
    unquantified = led.loc[led["co2e_t_ha_yr"].isna(), "term"]
    if lang == "en":
        missing = i18n.join_list(unquantified, lang)
        title = f"Carbon ledger, {plot_id} · {option_id}"
    else:
        missing = i18n.join_list((i18n.value("term", x, lang) for x in unquantified), lang)
        title = f"碳核算，{plot_id} · {_option_label(option_id, lang)}"
    if missing:
        title += f" (not quantified: {missing})" if lang == "en" else f"（未量化：{missing}）"
    return figure_layout(fig, title)


def metal_fate_sankey(fate: pd.DataFrame, plot_id: str, option_id: str, lang: str = "en",
                      tables=None) -> go.Figure:
    """Sankey diagram of the metal in one harvest flowing into the products of its pathway.

    Parameters
    ----------
    fate : pandas.DataFrame
        ``Plan.metal_fate`` (or :func:`agriremed.stages.energy.metal_fate`).
    plot_id, option_id : str
        The row to draw.
    lang : {"en", "zh"}
        Label language.
    tables : Tables, optional
        Literature tables whose sources the hover cites by their short citations (default: the packaged ones).

    Returns
    -------
    plotly.graph_objects.Figure
        Flows in g ha⁻¹ yr⁻¹ from each metal in the biomass to each product; metal
        whose split is not reported flows to an *unknown split* node.
    """
    f = fate.loc[(fate["plot_id"] == plot_id) & (fate["option_id"] == option_id)]
    metals = list(dict.fromkeys(f["metal"]))
    products = list(dict.fromkeys(f["product"]))
    unknown = "unknown split" if lang == "en" else "分配未知"
    sym = {m: C.METAL_NAMES.get(m, (m, m)) for m in metals}
    labels = [f"{sym[m][0]} in biomass" if lang == "en" else f"生物质中{sym[m][1]}" for m in metals]
    labels += products + [unknown]
    src, dst, val, txt = [], [], [], []
    for m_i, m in enumerate(metals):
        fm = f.loc[f["metal"] == m]
        known = fm.loc[fm["metal_share"].notna()]
        for r in known.itertuples(index=False):
            src.append(m_i)
            dst.append(len(metals) + products.index(r.product))
            val.append(r.metal_out_g_ha_yr)
            conc = "" if np.isnan(r.product_conc_mg_kg) else f", {r.product_conc_mg_kg:.3g} mg/kg"
            txt.append(f"{r.metal_share:.1%}{conc} ({citations.short_cites(r.source, lang, tables)})")
        rest = float(fm["metal_in_g_ha_yr"].iloc[0]) - float(np.nansum(known["metal_out_g_ha_yr"]))
        if rest > 1e-9 * max(1.0, float(fm["metal_in_g_ha_yr"].iloc[0])):
            src.append(m_i)
            dst.append(len(labels) - 1)
            val.append(rest)
            txt.append("no sourced partition: " + "; ".join(fm.loc[fm["metal_share"].isna(), "product"]))
    fig = go.Figure(go.Sankey(
        node=dict(label=labels, pad=18, thickness=16),
        link=dict(source=src, target=dst, value=val, customdata=txt,
                  hovertemplate="%{value:.3g} " + _u("g/ha/yr", lang) + " · %{customdata}<extra></extra>")))
    path = f["energy_pathway"].iloc[0] if len(f) else ""
    title = (f"Metal fate, {plot_id} · {option_id} ({path}) [g ha⁻¹ yr⁻¹]" if lang == "en" else
             f"重金属去向，{plot_id} · {_option_label(option_id, lang)}"
             f"（{i18n.value('energy_pathway', path, lang)}）[{_u('g/ha/yr', lang)}]")
    return figure_layout(fig, title)


def carbon_vs_duration(table: pd.DataFrame, lang: str = "en", cap_yr: float = 200.0) -> go.Figure:
    """Net carbon against clean-up time for every applicable removal option of every plot.

    Parameters
    ----------
    table : pandas.DataFrame
        ``Plan.table``.
    lang : {"en", "zh"}
        Label language.
    cap_yr : float
        Durations beyond this are drawn at the cap [yr].

    Returns
    -------
    plotly.graph_objects.Figure
        x: ``years_p50`` (P10–P90 bars, log axis), y: ``net_co2e_vs_baseline_t_ha_yr``
        (P10–P90 bars where Monte Carlo draws exist), one colour per option.
    """
    t = table.loc[table["applicable"] & table["option_kind"].isin(["phytoextraction", "phytomanagement"])]
    fig = go.Figure()
    for opt, g in t.groupby("option_id", sort=False):
        x = np.minimum(g["years_p50"].fillna(g["years_to_target"]).to_numpy(float), cap_yr)
        x10 = np.minimum(g["years_p10"].fillna(g["years_to_target"]).to_numpy(float), cap_yr)
        x90 = np.minimum(g["years_p90"].fillna(g["years_to_target"]).to_numpy(float), cap_yr)
        y = g["net_co2e_vs_baseline_t_ha_yr"].to_numpy(float)
        band = [g[c].fillna(g["net_co2e_vs_baseline_t_ha_yr"]).to_numpy(float) if c in g else y
                for c in ("net_co2e_vs_baseline_t_ha_yr_p10", "net_co2e_vs_baseline_t_ha_yr_p90")]
        y10, y90 = band
        fig.add_scatter(
            x=x, y=y, mode="markers",
            name=_option_label(opt, lang, g["option_name"].iloc[0]), text=g["plot_id"],
            marker=dict(size=10, color=OPTION_COLOURS.get(opt)),
            error_x=dict(type="data", symmetric=False, array=np.nan_to_num(x90 - x),
                         arrayminus=np.nan_to_num(x - x10)),
            error_y=dict(type="data", symmetric=False, array=np.nan_to_num(y90 - y),
                         arrayminus=np.nan_to_num(y - y10)),
            hovertemplate="%{text}<br>%{x:.1f} " + _u("yr", lang) + " · %{y:+.2f} " + _u("t CO2e/ha/yr", lang)
            + "<extra>%{fullData.name}</extra>")
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    fig.update_xaxes(title=i18n.label("years_p50", lang), type="log")
    fig.update_yaxes(title=i18n.label("net_co2e_vs_baseline_t_ha_yr", lang))
    title = "Net carbon against clean-up time (P10–P90)" if lang == "en" else "净碳收益与修复年限（P10–P90）"
    return figure_layout(fig, title)


def cumulative_carbon(by_year: pd.DataFrame, plot_id: str, lang: str = "en") -> go.Figure:
    """Cumulative net CO₂e of every option of one plot, year by year.

    Parameters
    ----------
    by_year : pandas.DataFrame
        ``Plan.carbon_by_year``.
    plot_id : str
        Plot to draw.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per option of ``cumulative_net_co2e_t_ha`` against ``ledger_year``: the
        Tier 1 SOC transition, coppice harvest years and amendment years show as kinks
        and steps.
    """
    d = by_year.loc[by_year["plot_id"] == plot_id]
    fig = go.Figure()
    for opt, g in d.groupby("option_id", sort=False):
        fig.add_scatter(x=g["ledger_year"], y=g["cumulative_net_co2e_t_ha"], mode="lines+markers",
                        name=str(opt) if lang == "en" else _option_label(opt, lang),
                        line=dict(color=OPTION_COLOURS.get(opt)),
                        hovertemplate=i18n.t("ui.fig.hover.year", lang)
                        + " %{x}: %{y:+.1f} " + _u("t CO2e/ha", lang) + "<extra>%{fullData.name}</extra>")
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    fig.update_xaxes(title=i18n.label("ledger_year", lang, with_unit=False))
    fig.update_yaxes(title=i18n.label("cumulative_net_co2e_t_ha", lang))
    title = f"Cumulative net CO₂e, {plot_id}" if lang == "en" else f"累计净CO₂当量，{plot_id}"
    return figure_layout(fig, title)


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
        ``Plan.trajectories`` (:func:`agriremed.stages.duration.soil_trajectories`).
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
        name = _option_label(opt, lang, names.get(opt, opt))
        if has_band:
            fig.add_scatter(x=np.r_[g["year"], g["year"][::-1]],
                            y=np.r_[g["conc_p90_mg_kg"], g["conc_p10_mg_kg"][::-1]], fill="toself",
                            fillcolor=_rgba(colour, 0.18), line=dict(width=0), hoverinfo="skip",
                            showlegend=False, legendgroup=opt)
        y = g["conc_p50_mg_kg"] if has_band else g["conc_mg_kg"]
        fig.add_scatter(x=g["year"], y=y, mode="lines", name=name, legendgroup=opt,
                        line=dict(color=colour, width=2),
                        hovertemplate=i18n.t("ui.fig.hover.year", lang) + " %{x}: %{y:.3f} " + _u("mg/kg", lang)
                        + "<extra>" + name + "</extra>")
    if len(t):
        fig.add_hline(y=float(t["target_mg_kg"].iloc[0]), line_dash="dash", line_color="black",
                      annotation_text="target" if lang == "en" else "目标", annotation_position="top right")
    fig.update_xaxes(title=i18n.label("year", lang))
    sym = C.METAL_NAMES.get(metal, (metal, metal))[0]
    fig.update_yaxes(title=f"{sym} " + i18n.label("conc_p50_mg_kg", lang))
    zh = C.METAL_NAMES.get(metal, (metal, metal))[1]
    title = (f"Soil {sym} under each removal option, plot {plot_id} (median, P10–P90)" if lang == "en"
             else f"地块 {plot_id} 各修复方案下土壤{zh}（中位数，P10–P90）")
    return figure_layout(fig, title, height=460)


def npv_over_time(cash_flows: pd.DataFrame, plot_id: str, discount_rate: float, names=None,
                  relative_to_baseline: bool = True, lang: str = "en") -> go.Figure:
    """Cumulative discounted cash flow of every option of one plot, year by year.

    Parameters
    ----------
    cash_flows : pandas.DataFrame
        ``Plan.cash_flows`` (:func:`agriremed.stages.economics.yearly_cash_flows`).
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
        name = _option_label(opt, lang, names.get(opt, opt))
        fig.add_scatter(x=years, y=row.to_numpy(float), mode="lines", name=name,
                        line=dict(color=OPTION_COLOURS.get(opt), width=3 if opt == "do_nothing" else 2),
                        hovertemplate=i18n.t("ui.fig.hover.year", lang) + " %{x}: %{y:,.0f} " + _u("CNY/ha", lang)
                        + "<extra>" + name + "</extra>")
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    fig.update_xaxes(title=i18n.label("year", lang))
    what = "npv_vs_baseline_cny_ha" if relative_to_baseline else "npv_cny_ha"
    fig.update_yaxes(title=i18n.label(what, lang))
    title = (f"Cumulative discounted cash flow, plot {plot_id}" if lang == "en"
             else f"地块 {plot_id} 累计折现现金流")
    return figure_layout(fig, title, height=460)


def score_table_figure(scores: pd.DataFrame, plot_id: str, names=None, lang: str = "en") -> go.Figure:
    """The score table of one plot: criterion values coloured by their traffic light.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``Plan.scores`` (:func:`agriremed.stages.ranking.score_table`).
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
    cells = [[_option_label(o, lang, names.get(o, o)) for o in total.index]]
    colours = [["white"] * len(total)]
    for c in crits:
        sub = s.loc[s["criterion"] == c].set_index("option_id").reindex(total.index)
        cells.append([("n/a" if np.isnan(v) else fmt.get(c, "{:.2f}").format(v)) for v in sub["value"]])
        colours.append([{"green": "#d9f2d9", "amber": "#fff2cc", "red": "#f8d7da"}.get(x, "#eeeeee")
                        for x in sub["light"]])
    cells.append([f"{v:.2f}" for v in total.to_numpy(float)])
    colours.append(["white"] * len(total))
    if lang == "en":
        header = ["option"] + [c.replace("_", " ") for c in crits] + ["score"]
    else:
        header = ([i18n.label("option_id", lang, with_unit=False)]
                  + [i18n.value("criterion", c, lang) for c in crits]
                  + [i18n.label("score", lang, with_unit=False)])
    fig = go.Figure(go.Table(header=dict(values=header, fill_color="#f0f4f8", align="left"),
                             cells=dict(values=cells, fill_color=colours, align="left")))
    title = f"Score table, plot {plot_id}" if lang == "en" else f"地块 {plot_id} 评分表"
    return figure_layout(fig, title, height=max(300, 32 * len(total) + 140))


def tornado_plot(sensitivity: pd.DataFrame, top: int = 10, lang: str = "en") -> go.Figure:
    """Tornado plot of :func:`agriremed.engine.sensitivity.tornado`.

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        Output of :func:`agriremed.engine.sensitivity.tornado`.
    top : int
        Number of values shown (largest swing first).
    lang : {"en", "zh"}
        Label language.
    """
    t = sensitivity.head(top).iloc[::-1]
    base = float(t["base"].iloc[0]) if len(t) else 0.0
    fig = go.Figure()
    low, high = (("low end of range", "high end of range") if lang == "en"
                 else ("取值范围下限", "取值范围上限"))
    for col, name, colour in (("output_at_low", low, "#2c7bb6"),
                              ("output_at_high", high, "#d7191c")):
        fig.add_bar(y=t["parameter"], x=t[col] - base, base=base, orientation="h", name=name,
                    marker_color=colour, customdata=np.stack([t["low"], t["high"]], axis=1),
                    hovertemplate="%{y}: %{x:,.3g}<br>" + i18n.t("ui.fig.hover.range", lang)
                                  + " %{customdata[0]:g} – %{customdata[1]:g}<extra>" + name + "</extra>")
    fig.update_layout(barmode="overlay")
    fig.add_vline(x=base, line_color="black")
    out = sensitivity.attrs.get("output", "")
    fig.update_xaxes(title=i18n.label(out, lang) if out else "")
    title = (f"Sensitivity of {out} for {sensitivity.attrs.get('option_id', '')}, plot "
             f"{sensitivity.attrs.get('plot_id', '')}" if lang == "en" else "敏感性分析")
    return figure_layout(fig, title, height=max(320, 34 * len(t) + 160))


def budget_curve(curve: pd.DataFrame, lang: str = "en", marks=(1e6, 1e7, 1e8)) -> go.Figure:
    """Contaminated area treated against programme budget (step curve, cheapest hectares first).

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`agriremed.stages.economics.budget_curve`.
    lang : {"en", "zh"}
        Label language.
    marks : sequence of float
        Budgets [CNY] marked with the area they treat.
    """
    x = np.r_[0.0, curve["cumulative_budget_cny"].to_numpy(float)]
    y = np.r_[0.0, curve["cumulative_area_ha"].to_numpy(float)]
    fig = go.Figure()
    fig.add_scatter(x=x, y=y, mode="lines", line_shape="hv", name=i18n.label("cumulative_area_ha", lang),
                    hovertemplate="%{x:,.0f} " + _u("CNY", lang) + " → %{y:,.1f} " + _u("ha", lang)
                    + "<extra></extra>")
    for m in marks:
        if len(x) and m <= x[-1]:
            a = y[np.searchsorted(x, m, side="right") - 1]
            fig.add_scatter(x=[m], y=[a], mode="markers+text", text=[f"{a:,.0f} {_u('ha', lang)}"],
                            textposition="top left", marker=dict(size=8, color="#d62728"), showlegend=False,
                            hovertemplate=f"{m:,.0f} {_u('CNY', lang)} → {a:,.1f} {_u('ha', lang)}<extra></extra>")
    fig.update_xaxes(title=i18n.label("cumulative_budget_cny", lang), tickformat=",.0f")
    fig.update_yaxes(title=i18n.label("cumulative_area_ha", lang), rangemode="tozero")
    title = ("Contaminated area treated vs programme budget (cheapest hectares first)" if lang == "en"
             else "治理面积与项目预算（先治理成本最低的地块）")
    return figure_layout(fig, title)


#: Colours of the GB 15618 soil classes on maps (as the traffic lights: green, amber, red).
SOIL_CLASS_COLOURS = {"priority_protection": "#2ca02c", "safe_utilisation": "#e6a700",
                      "strict_control": "#d62728"}
#: Most polygons a map draws as outlines; above it plots are drawn as points at their
#: representative points (a page with more outlines becomes slow in a browser).
MAP_POLYGON_LIMIT = 20_000


def _ring_xy(geoms) -> tuple[np.ndarray, np.ndarray]:
    """Exterior rings of polygons as x, y arrays with NaN between rings (holes are not drawn)."""
    import shapely

    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    parts = parts[shapely.get_type_id(parts) == 3]  # polygons
    if not len(parts):
        return np.array([]), np.array([])
    xy, idx = shapely.get_coordinates(shapely.get_exterior_ring(parts), return_index=True)
    breaks = np.flatnonzero(np.diff(idx)) + 1
    xy = np.insert(xy, breaks, np.nan, axis=0)
    return np.append(xy[:, 0], np.nan), np.append(xy[:, 1], np.nan)


#: Colour of the rejected parcels on the map (grey: not planned).
REJECTED_COLOUR = "#9e9e9e"


def parcel_map(summary: pd.DataFrame, geometry, colour_by: str = "soil_class", regions=None,
               lang: str = "en", polygon_limit: int = MAP_POLYGON_LIMIT, units=None, rejected=None) -> go.Figure:
    """Map of plots as polygons (or points) coloured by soil class or recommended option.

    Offline: drawn on plain longitude/latitude axes (scaled by the cosine of the mean
    latitude so that shapes are not stretched), no map tiles, no network.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Plan.summary`` (``plot_id``, ``soil_class``, ``recommended_option``, ``area_ha``).
    geometry : geopandas.GeoSeries
        Plot geometry indexed by ``plot_id`` (any CRS; drawn in EPSG:4326 degrees).
    colour_by : {"soil_class", "recommended_option"}
        What the colour shows.
    regions : geopandas.GeoDataFrame, optional
        Region polygons (``region``, ``geometry``), drawn as grey outlines; the legend names
        them by ``regions.attrs["title"]`` when the layer has one (:func:`agriremed.io.geo.read_regions`).
    lang : {"en", "zh"}
        Language.
    polygon_limit : int
        Above this many plots, points at the plots' representative points replace the outlines.
    units : array_like of str or str, optional
        Area unit of each row of ``summary`` (``'mu'`` or ``'ha'``, as
        :func:`agriremed.stages.advice.area_units` gives for the plan's scenario), or one for
        all; default: :func:`agriremed.stages.advice.area_units` of the summary's ``region``.
        The hover gives the area in it (``2.3 亩（0.153 公顷）``), as the plot sheet does.
    rejected : geopandas.GeoSeries, optional
        Geometry of the rejected features indexed by plot id (or ``FID n``;
        :func:`agriremed.io.geo.rejected_geometry`), drawn grey (:data:`REJECTED_COLOUR`) under the legend
        entry "rejected (not planned)", their label in the hover.

    Returns
    -------
    plotly.graph_objects.Figure
        Per colour class one filled-outline trace (``fill='toself'``; omitted for points and
        above ``polygon_limit``) and one marker trace at the representative points carrying
        the hover text (same legend group); then one outline trace of the regions when given.
        Every two classes have colours at least :data:`MIN_COLOUR_DIFFERENCE` apart
        (:func:`distinct_colours`).
    """
    if units is None:
        region = summary["region"].to_numpy(object) if "region" in summary else np.full(len(summary), None)
        units = area_units(region)
    g = geometry.to_crs("EPSG:4326")
    s = summary.assign(_unit=np.broadcast_to(np.asarray(units, dtype=object), (len(summary),)))
    s = s.drop_duplicates("plot_id").set_index("plot_id")
    s = s.loc[s.index.isin(g.index)]
    g = g.reindex(s.index)
    rep = g.representative_point()
    x, y = rep.x.to_numpy(float), rep.y.to_numpy(float)
    polygons = g.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    outlines = len(g) <= polygon_limit
    fig = go.Figure()
    if colour_by == "soil_class":
        key = s["soil_class"].astype(object)
        colours, order = SOIL_CLASS_COLOURS, list(SOIL_CLASS_COLOURS)
        name_of = lambda c: CLASS_NAMES[c][0 if lang == "en" else 1] if c in CLASS_NAMES else str(c)
    else:
        key = s["recommended_option"].astype(object)
        colours, order = OPTION_COLOURS, sorted(OPTION_COLOURS)
        name_of = lambda c: i18n.option_name(c, lang)
    key = key.where(key.notna(), "").to_numpy(object)
    codes = [c for c in order if c in set(key)] + sorted({c for c in key if c not in order})
    none_name = "none applicable" if lang == "en" else "无适用方案"
    cls_text = [CLASS_NAMES[c][0 if lang == "en" else 1] if c in CLASS_NAMES else "" for c in s["soil_class"]]
    rec_text = [i18n.option_name(o, lang) if isinstance(o, str) and o else none_name
                for o in s["recommended_option"].astype(object).where(s["recommended_option"].notna(), "")]
    area = np.array([area_text(a, u, lang) for a, u in zip(s["area_ha"].to_numpy(float), s["_unit"], strict=True)],
                    dtype=object)
    colours = distinct_colours(codes, colours)
    for code in codes:
        m = key == code
        name = name_of(code) if code else none_name
        colour = colours[code]
        if outlines and (m & polygons).any():
            rx, ry = _ring_xy(g.to_numpy()[m & polygons])
            fig.add_scatter(x=rx, y=ry, mode="lines", fill="toself", fillcolor=_rgba(colour, 0.55),
                            line=dict(color=colour, width=1), name=name, legendgroup=code or "none",
                            hoverinfo="skip", showlegend=True)
            show = False
        else:
            show = True
        idx = np.flatnonzero(m)
        fig.add_scatter(x=x[idx], y=y[idx], mode="markers", name=name, legendgroup=code or "none",
                        showlegend=show,
                        marker=dict(color=colour, size=7, line=dict(width=0.5, color="white")),
                        text=s.index.to_numpy(object)[idx],
                        customdata=np.stack([np.asarray(cls_text, object)[idx],
                                             np.asarray(rec_text, object)[idx], area[idx]], axis=1),
                        hovertemplate="%{text}<br>%{customdata[0]}<br>%{customdata[1]}<br>"
                                      "%{customdata[2]}<extra></extra>")
    if rejected is not None and len(rejected):
        rg = rejected.to_crs("EPSG:4326")
        name = "rejected (not planned)" if lang == "en" else "已拒绝（未规划）"
        rpoly = rg.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        show = True
        if outlines and rpoly.any():
            rx, ry = _ring_xy(rg.to_numpy()[rpoly])
            fig.add_scatter(x=rx, y=ry, mode="lines", fill="toself", fillcolor=_rgba(REJECTED_COLOUR, 0.45),
                            line=dict(color=REJECTED_COLOUR, width=1), name=name, legendgroup="rejected",
                            hoverinfo="skip", showlegend=True)
            show = False
        rp = rg.representative_point()
        fig.add_scatter(x=rp.x.to_numpy(float), y=rp.y.to_numpy(float), mode="markers", name=name,
                        legendgroup="rejected", showlegend=show,
                        marker=dict(color=REJECTED_COLOUR, size=7, line=dict(width=0.5, color="white")),
                        text=rg.index.astype(str).to_numpy(object),
                        hovertemplate="%{text}<br>" + name + "<extra></extra>")
        x, y = np.concatenate([x, rp.x.to_numpy(float)]), np.concatenate([y, rp.y.to_numpy(float)])
    if regions is not None and len(regions):
        r = regions.to_crs("EPSG:4326")
        rx, ry = _ring_xy(r.geometry.to_numpy())
        title = regions.attrs.get("title") or ""  # e.g. the sample's "illustrative regions, not official"
        fig.add_scatter(x=rx, y=ry, mode="lines", line=dict(color="#555555", width=1.2),
                        name=title or ("regions" if lang == "en" else "区域"), hoverinfo="skip")
        lab = r.geometry.representative_point()
        fig.add_scatter(x=lab.x, y=lab.y, mode="text", text=r["region"].astype(str), showlegend=False,
                        textfont=dict(color="#555555", size=11), hoverinfo="skip")
    lat0 = float(np.nanmean(y)) if len(y) else 0.0
    fig.update_xaxes(title=i18n.label("lon", lang), showgrid=False)
    # one degree of longitude is cos(latitude) of a degree of latitude on the ground
    stretch = 1.0 / max(np.cos(np.radians(lat0)), 0.1)
    fig.update_yaxes(title=i18n.label("lat", lang), scaleanchor="x", scaleratio=stretch, showgrid=False)
    what = ("soil class" if colour_by == "soil_class" else "recommended option") if lang == "en" else (
        "土壤类别" if colour_by == "soil_class" else "推荐方案")
    title = f"Plots by {what}" if lang == "en" else f"地块分布（按{what}）"
    fig = figure_layout(fig, title, height=560)
    fig.update_layout(legend=dict(orientation="v", y=1, x=1.02))
    return fig
