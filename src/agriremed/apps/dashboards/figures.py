"""Figures of the dashboards, in English or Chinese.

Each builder takes planner tables and a language and returns a complete
``plotly.graph_objects.Figure`` (never displays it). The dashboards wrap each new
figure in a new ``FigureWidget`` (see :class:`~agriremed.apps.dashboards._base.FigureSlot`),
so a chart is always drawn from the planner's numbers in one step. Texts come from
:mod:`agriremed.core.i18n`; colours follow :data:`agriremed.io.viz.OPTION_COLOURS`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from agriremed.core import columns as C
from agriremed.core import i18n
from agriremed.io.viz import OPTION_COLOURS, distinct_colours
from agriremed.apps.dashboards._axes import log_axis

__all__ = [
    "CLASS_COLOURS",
    "LIGHT_COLOURS",
    "soil_exceedance",
    "crop_vs_limits",
    "duration_fan",
    "money_and_carbon",
    "plot_map",
    "empty_figure",
    "DURATION_CAP_YR",
]

#: Colours of the GB 15618 classes (green, amber, red), as in the traffic lights.
CLASS_COLOURS = {"priority_protection": "#2ca02c", "safe_utilisation": "#e6a700", "strict_control": "#d62728"}
#: Traffic-light colours.
LIGHT_COLOURS = {"green": "#2ca02c", "amber": "#ffbf00", "red": "#d62728"}
#: Durations longer than this are drawn at the cap [yr].
DURATION_CAP_YR = 500.0

_COLOURWAY = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
_FONT = (
    "system-ui, 'Segoe UI', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Zen Hei', "
    "'Microsoft YaHei', sans-serif"
)


_AXIS = dict(
    gridcolor="#e3e8ee",
    zerolinecolor="#c5ccd6",
    linecolor="#c5ccd6",
    showline=True,
    ticks="",
    automargin=True,
)


def _base_layout(title: str, height: int, **kw) -> dict:
    # A plain layout instead of a named template: wrapping a figure that carries the
    # plotly_white template in a FigureWidget costs ~30× more (the template is validated
    # and copied on every update), which would dominate a dashboard callback.
    kw.setdefault("margin", dict(l=70, r=20, t=60, b=60))
    return dict(
        title=dict(text=title, x=0.01),
        height=height,
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=_COLOURWAY,
        font=dict(family=_FONT, size=13, color="#2a3f5f"),
        legend=dict(orientation="h", y=-0.22),
        hoverlabel=dict(font_family=_FONT),
        **kw,
    )


def _layout(fig: go.Figure, title: str, height: int = 380, **kw) -> go.Figure:
    fig.update_layout(**_base_layout(title, height, **kw))
    fig.update_xaxes(**_AXIS)
    fig.update_yaxes(**_AXIS)
    return fig


def _figure(data: list[dict], layout: dict, title: str, height: int = 380, **kw) -> go.Figure:
    """A figure from trace and layout dicts in the common style, built (and validated) in one step.

    Building from dicts instead of adding traces, shapes and annotations one call at a
    time is several times faster, which matters in the one-plot dashboard callbacks.
    """
    lay = {**_base_layout(title, height, **kw), **layout}
    for a in {"xaxis", "yaxis"} | {k for k in lay if k.startswith(("xaxis", "yaxis"))}:
        lay[a] = {**lay.get(a, {}), **_AXIS}
    return go.Figure(dict(data=data, layout=lay))


def empty_figure(message: str, title: str = "", height: int = 300) -> go.Figure:
    """A blank figure with a centred message (no valid plot, nothing applicable)."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font=dict(size=14, color="#666"),
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, height)


def soil_exceedance(screened: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Soil concentration / screening value of each measured metal of one plot.

    Parameters
    ----------
    screened : pandas.DataFrame
        :func:`agriremed.stages.soil.screen` rows of one plot (``metal``, ``conc_mg_kg``,
        ``screening_mg_kg``, ``intervention_mg_kg``, ``exceedance_ratio``, ``soil_class``).
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per metal coloured by its GB 15618 class; the screening value is the line
        at 1 and the intervention value (where the standard sets one) a red marker.
    """
    s = screened.dropna(subset=["exceedance_ratio"])
    title = i18n.t("ui.fig.soil.title", lang)
    if s.empty:
        return empty_figure(i18n.t("ui.fig.no_data", lang), title)
    names = [i18n.metal_name(m, lang) for m in s["metal"]]
    ratio = s["exceedance_ratio"].to_numpy(float)
    iv = (s["intervention_mg_kg"] / s["screening_mg_kg"]).to_numpy(float)
    classes = [i18n.value("soil_class", c, lang) for c in s["soil_class"]]
    unit = i18n.unit("mg/kg", lang)
    data = [
        dict(
            type="bar",
            x=names,
            y=ratio,
            marker=dict(color=[CLASS_COLOURS.get(c, "#999") for c in s["soil_class"]]),
            text=[f"{r:.2f}" for r in ratio],
            textposition="outside",
            name=i18n.label("exceedance_ratio", lang),
            customdata=np.stack(
                [s["conc_mg_kg"].to_numpy(float), s["screening_mg_kg"].to_numpy(float), classes], axis=1
            ),
            hovertemplate="%{x}: %{customdata[0]:.3g} "
            + unit
            + " / %{customdata[1]:.3g} "
            + unit
            + " = %{y:.2f}<br>%{customdata[2]}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=names,
            y=iv,
            mode="markers",
            name=i18n.t("ui.fig.soil.intervention", lang),
            marker=dict(symbol="line-ew-open", size=28, line=dict(width=3, color="#d62728")),
            hovertemplate="%{x}: %{y:.2f}<extra>" + i18n.t("ui.fig.soil.intervention", lang) + "</extra>",
        ),
    ]
    top = np.nanmax(np.concatenate([ratio, iv, [1.0]]))
    layout = dict(
        # the screening value: a dashed line at ratio 1
        shapes=[dict(type="line", x0=0, x1=1, xref="x domain", y0=1, y1=1, yref="y",
                     line=dict(dash="dash", color="#444"))],
        annotations=[dict(text=i18n.t("ui.fig.soil.screening", lang), x=0, xref="x domain", xanchor="left",
                          y=1, yref="y", yanchor="bottom", showarrow=False)],
        yaxis=dict(
            title=dict(text=i18n.label("exceedance_ratio", lang)),
            # decades and the screening (1) and intervention ratios labelled in full
            **log_axis(max(min(np.nanmin(ratio), 1.0) / 2, 1e-3), top * 2, marks=[1.0, *iv[np.isfinite(iv)]],
                       pad=1.0),
        ),
        xaxis=dict(title=dict(text=i18n.label("metal", lang))),
    )
    return _figure(data, layout, title)


def crop_vs_limits(checked: pd.DataFrame, lang: str = "en", standard: str = "GB2762") -> go.Figure:
    """Predicted metal in the crop (as sold, P5–P50–P95) against the food limit, one plot.

    Parameters
    ----------
    checked : pandas.DataFrame
        :func:`agriremed.stages.uptake.food_safety` rows of one plot.
    lang : {"en", "zh"}
        Language.
    standard : str
        Food standard shown in the title.

    Returns
    -------
    plotly.graph_objects.Figure
        Median with P5–P95 error bars per metal and the food limit as a red bar.
    """
    c = checked.dropna(subset=["crop_fw_p50_mg_kg"])
    crop = i18n.crop_name(checked["crop"].iloc[0], lang) if len(checked) else ""
    title = i18n.t("ui.fig.crop.title", lang, crop=crop, standard=standard)
    if c.empty:
        return empty_figure(i18n.t("ui.fig.crop.none", lang), title)
    names = [i18n.metal_name(m, lang) for m in c["metal"]]
    p05, p50, p95 = (c[f"crop_fw_{q}_mg_kg"].to_numpy(float) for q in ("p05", "p50", "p95"))
    lim = c["food_limit_mg_kg"].to_numpy(float)
    pex = c["p_exceed_limit"].to_numpy(float)
    unit = i18n.unit("mg/kg", lang)
    data = [
        dict(
            type="scatter",
            x=names,
            y=p50,
            mode="markers",
            name=i18n.t("ui.fig.crop.predicted", lang),
            marker=dict(size=12, color="#1f77b4"),
            error_y=dict(type="data", symmetric=False, array=p95 - p50, arrayminus=p50 - p05, width=8),
            customdata=np.stack([p05, p95, pex], axis=1),
            hovertemplate="%{x}: P50 %{y:.3g} "
            + unit
            + "<br>P5–P95 %{customdata[0]:.3g}–%{customdata[1]:.3g}"
            "<br>"
            + i18n.label("p_exceed_limit", lang, with_unit=False)
            + " %{customdata[2]:.0%}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=names,
            y=lim,
            mode="markers",
            name=i18n.label("food_limit_mg_kg", lang, with_unit=False),
            marker=dict(symbol="line-ew-open", size=34, line=dict(width=3, color="#d62728")),
            hovertemplate="%{x}: %{y:.3g} " + unit + "<extra></extra>",
        ),
    ]
    shown = np.concatenate([p05, p50, p95, lim])
    shown = shown[np.isfinite(shown) & (shown > 0)]
    layout = dict(
        # decades and each food limit labelled in full (a limit of 0.2 reads "0.2", not "2")
        yaxis=dict(title=dict(text=i18n.t("ui.fig.crop.yaxis", lang, unit=unit)),
                   **log_axis(shown.min(), shown.max(), marks=lim, pad=1.6)),
        xaxis=dict(title=dict(text=i18n.label("metal", lang))),
    )
    return _figure(data, layout, title)


def duration_fan(table: pd.DataFrame, lang: str = "en", cap_yr: float = DURATION_CAP_YR) -> go.Figure:
    """Years to the clean-up target of the applicable options of one plot, as P10–P90 ranges.

    Parameters
    ----------
    table : pandas.DataFrame
        ``Plan.table`` rows of one plot.
    lang : {"en", "zh"}
        Language.
    cap_yr : float
        Longer durations are drawn at the cap [yr].

    Returns
    -------
    plotly.graph_objects.Figure
        For each option with a finite duration: a bar from P10 to P90, a diamond at
        P50 and a ring at the deterministic estimate, on a log time axis.
    """
    t = table.loc[table["applicable"].astype(bool)]
    y10 = t["years_p10"].fillna(t["years_to_target"]).to_numpy(float)
    finite = np.isfinite(y10)
    t = t.loc[finite]
    title = i18n.t("ui.fig.duration.title", lang)
    if t.empty:
        return empty_figure(i18n.t("ui.fig.duration.none", lang), title, height=260)
    names = [i18n.option_name(o, lang) for o in t["option_id"]]
    p10 = t["years_p10"].fillna(t["years_to_target"]).to_numpy(float)
    p50 = t["years_p50"].fillna(t["years_to_target"]).to_numpy(float)
    p90 = t["years_p90"].fillna(t["years_to_target"]).to_numpy(float)
    det = t["years_to_target"].to_numpy(float)
    lo = np.maximum(np.minimum(p10, cap_yr), 0.5)
    hi = np.minimum(p90, cap_yr)
    yr = i18n.unit("yr", lang)
    colours = [OPTION_COLOURS.get(o, "#888") for o in t["option_id"]]
    data = [
        dict(
            type="bar",
            y=names,
            x=np.maximum(hi - lo, 0.05),
            base=lo,
            orientation="h",
            name="P10–P90",
            marker=dict(color=colours, opacity=0.35),
            customdata=np.stack([p10, p50, p90], axis=1),
            hovertemplate="%{y}<br>P10 %{customdata[0]:.0f} · P50 %{customdata[1]:.0f} · "
            "P90 %{customdata[2]:.0f} " + yr + "<extra></extra>",
        ),
        dict(
            type="scatter",
            y=names,
            x=np.clip(p50, 0.5, cap_yr),
            mode="markers",
            name="P50",
            marker=dict(symbol="diamond", size=13, color=colours, line=dict(width=1, color="black")),
            hovertemplate="%{y}: P50 %{x:.0f} " + yr + "<extra></extra>",
        ),
        dict(
            type="scatter",
            y=names,
            x=np.clip(det, 0.5, cap_yr),
            mode="markers",
            name=i18n.t("ui.fig.duration.deterministic", lang),
            marker=dict(symbol="circle-open", size=11, color="black"),
            hovertemplate="%{y}: %{x:.0f} " + yr + "<extra></extra>",
        ),
    ]
    layout = dict(
        xaxis=dict(
            title=dict(text=i18n.t("ui.fig.duration.xaxis", lang, unit=yr)),
            **log_axis(0.5, cap_yr * 1.3, marks=[cap_yr] if (p90 > cap_yr).any() else [], pad=1.0),
        ),
        yaxis=dict(autorange="reversed"),
    )
    if (p90 > cap_yr).any():  # a dotted line at the cap
        layout["shapes"] = [
            dict(type="line", x0=cap_yr, x1=cap_yr, xref="x", y0=0, y1=1, yref="y domain",
                 line=dict(dash="dot", color="#999"))
        ]
        layout["annotations"] = [
            dict(text=f"≥ {cap_yr:.0f} {yr}", x=cap_yr, xref="x", xanchor="center", y=1, yref="y domain",
                 yanchor="bottom",
                 showarrow=False)
        ]
    return _figure(data, layout, title, height=max(240, 60 * len(t) + 140), barmode="overlay")


#: Money chart: bar thickness, height of a line of an option's name, gap between options [px].
_MONEY_BAR_PX, _MONEY_LINE_PX, _MONEY_GAP_PX = 16, 15, 7
#: Longest line of an option's name in the money chart [Latin-letter widths; a Chinese
#: character counts two], so that a name fits the chart on a phone screen (~320 px).
_MONEY_NAME_WIDTH = 42
#: Room left beside the longest bar of a panel for its value label, as a fraction of the bars' span.
_MONEY_LABEL_PAD = 0.3


def _text_width(text: str) -> int:
    """Display width of ``text`` in Latin-letter widths (a CJK character counts two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _wrap_name(name: str, width: int = _MONEY_NAME_WIDTH) -> list[str]:
    """``name`` broken into lines no wider than ``width`` (after spaces, or between CJK
    characters). A line keeps its closing space, so the lines joined with ``<br>`` read
    as the unbroken text in the page's text content."""
    lines, line = [], ""
    for token in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", name):
        closing = token[0] in "）)，,。；;、：:"  # punctuation stays with the text before it
        if line.strip() and not closing and _text_width(line + token.rstrip()) > width:
            lines.append(line)
            line = token
        else:
            line += token
    lines.append(line.rstrip())
    return [x for x in lines if x] or [""]


def _padded_range(v: np.ndarray) -> list[float]:
    """x range of a bar panel: zero and every bar, with room beyond the longest bar on each
    side that has bars for its value label (drawn outside the bar end)."""
    finite = v[np.isfinite(v)]
    lo = min(0.0, float(finite.min())) if finite.size else 0.0
    hi = max(0.0, float(finite.max())) if finite.size else 1.0
    span = (hi - lo) or 1.0
    pad = _MONEY_LABEL_PAD * span
    return [lo - (pad if lo < 0 else 0.04 * span), hi + (pad if hi > 0 or lo == 0 else 0.04 * span)]


def money_and_carbon(table: pd.DataFrame, lang: str = "en", npv_column: str = "npv_vs_baseline_cny_ha") -> go.Figure:
    """NPV and net CO₂e relative to doing nothing of the applicable options of one plot.

    The two panels are stacked, each the full width of the chart, and every option's
    name is written above its bar (not on an axis beside it, wrapped when long), so the
    bars keep the screen's width on a phone as on a tablet. Value labels sit outside the
    bar ends, inside a padded x range, and are never clipped by the axes.

    Parameters
    ----------
    table : pandas.DataFrame
        ``Plan.table`` rows of one plot.
    lang : {"en", "zh"}
        Language.
    npv_column : str
        The money column of the upper panel: the combined NPV (default), the farmer's NPV
        (``npv_farmer_vs_baseline_cny_ha``) or the programme's cost (``programme_cost_cny_ha``),
        the column the plan's economics view counts.

    Returns
    -------
    plotly.graph_objects.Figure
        Two bar panels, NPV [CNY/ha] above net CO₂e [t CO₂e/ha/yr]; the recommended
        option is outlined in black. The y axes are in pixels from the panel's top.
    """
    t = table.loc[table["applicable"].astype(bool)]
    names = [i18n.option_name(o, lang) for o in t["option_id"]]
    colours = [OPTION_COLOURS.get(o, "#888") for o in t["option_id"]]
    outline = np.where(t["recommended"].astype(bool), 3, 0)
    # each option: its name's lines, then its bar; y in pixels from the top of the panel
    lines = [_wrap_name(nm) for nm in names]
    pitch = np.array([len(x) * _MONEY_LINE_PX + _MONEY_BAR_PX + _MONEY_GAP_PX for x in lines], float)
    bottom_of_row = np.cumsum(pitch)
    centre = bottom_of_row - _MONEY_GAP_PX - _MONEY_BAR_PX / 2
    rows_px = float(bottom_of_row[-1]) if len(t) else 40.0
    top, gap, bottom = 100, 90, 40  # title and heading; panel 1's ticks and panel 2's heading; ticks
    area = 2 * rows_px + gap
    upper = [(rows_px + gap) / area, 1.0]
    lower = [0.0, rows_px / area]
    panels = (
        ("x", "y", npv_column, "CNY/ha", "{:,.0f}", upper),
        ("x2", "y2", "net_co2e_vs_baseline_t_ha_yr", "t CO2e/ha/yr", "{:+.2f}", lower),
    )
    data, shapes, annotations, layout = [], [], [], {}
    for xa, ya, name, unit, fmt, domain in panels:
        v = t[name].to_numpy(float)
        data.append(dict(
            type="bar",
            y=centre,
            x=v,
            width=_MONEY_BAR_PX,
            customdata=names,
            orientation="h",
            xaxis=xa,
            yaxis=ya,
            showlegend=False,
            marker=dict(color=colours, line=dict(width=outline, color="black")),
            text=["" if np.isnan(x) else fmt.format(x) for x in v],
            textposition="outside",
            cliponaxis=False,
            constraintext="none",
            textfont=dict(size=12),
            hovertemplate="%{customdata}: %{x:,.2f} " + i18n.unit(unit, lang) + "<extra></extra>",
        ))
        shapes.append(dict(type="line", xref=xa, yref=f"{ya} domain", x0=0, x1=0, y0=0, y1=1,
                           line=dict(color="#444")))
        # the option's name above its bar, from the chart's left edge
        annotations.extend(
            dict(text="<br>".join(ln), x=0, xref="paper", xanchor="left", y=c - _MONEY_BAR_PX / 2 - 1,
                 yref=ya, yanchor="bottom", showarrow=False, font=dict(size=12), align="left",
                 bgcolor="rgba(255,255,255,0.8)", borderpad=0)
            for ln, c in zip(lines, centre, strict=True)
        )
        # the panel's heading, the unit on a line of its own
        annotations.append(dict(
            text=f"<b>{i18n.label(name, lang, with_unit=False)}</b><br>[{i18n.unit(C.COLUMNS[name].unit, lang)}]",
            x=0,
            xref="paper",
            xanchor="left",
            y=domain[1],
            yref="paper",
            yanchor="bottom",
            yshift=4,
            showarrow=False,
            font=dict(size=12),
            align="left",
        ))
        layout[f"xaxis{xa[1:]}"] = dict(range=_padded_range(v), zeroline=False, anchor=ya)
        layout[f"yaxis{ya[1:]}"] = dict(domain=domain, range=[rows_px, -4.0], showticklabels=False,
                                        anchor=xa, showgrid=False)
    layout.update(shapes=shapes, annotations=annotations)
    fig = _figure(
        data,
        layout,
        i18n.t("ui.fig.money.title", lang),
        height=int(round(area + top + bottom)),
        margin=dict(l=12, r=12, t=top, b=bottom),
    )
    # the title from the chart's left edge, wrapped to a phone's width
    fig.update_layout(title=dict(text="<br>".join(_wrap_name(i18n.t("ui.fig.money.title", lang))), x=0,
                                 xref="paper", y=1, yref="container", yanchor="top", pad=dict(t=8),
                                 font=dict(size=13)))
    return fig


def plot_map(
    summary: pd.DataFrame, plots: pd.DataFrame, colour_by: str = "soil_class", lang: str = "en"
) -> go.Figure:
    """Plots at their latitude and longitude, coloured by soil class or recommended option.

    Drawn on plain axes (no map tiles, so it works offline); marker area follows plot area.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Plan.summary``.
    plots : pandas.DataFrame
        ``Plan.plots`` (``lat``, ``lon``).
    colour_by : {"soil_class", "recommended_option"}
        What the colour shows.
    lang : {"en", "zh"}
        Language.
    """
    title = i18n.t("ui.fig.map.title", lang)
    if not {"lat", "lon"} <= set(plots.columns):
        return empty_figure(i18n.t("ui.fig.map.no_coordinates", lang), title)
    located = summary.drop(columns=["lat", "lon"], errors="ignore")  # the summary may carry them too
    d = located.merge(plots[["plot_id", "lat", "lon"]], on="plot_id", how="left").dropna(
        subset=["lat", "lon"]
    )
    if d.empty:
        return empty_figure(i18n.t("ui.fig.map.no_coordinates", lang), title)
    fig = go.Figure()
    domain, colours = (
        ("soil_class", CLASS_COLOURS) if colour_by == "soil_class" else ("option", OPTION_COLOURS)
    )
    size = 9 + 6 * np.sqrt(
        d["area_ha"].astype(float).clip(lower=0) / max(d["area_ha"].astype(float).max(), 1e-9)
    )
    d = d.assign(_size=size)
    groups = list(d.groupby(colour_by, sort=True, dropna=False))
    colours = distinct_colours([c if isinstance(c, str) else "" for c, _g in groups], colours)
    for code, g in groups:
        name = i18n.value(domain, code, lang) if isinstance(code, str) else i18n.t("ui.none", lang)
        fig.add_scatter(
            x=g["lon"],
            y=g["lat"],
            mode="markers",
            name=name,
            marker=dict(size=g["_size"], color=colours[code if isinstance(code, str) else ""],
                        line=dict(width=1, color="white")),
            text=g["plot_id"],
            customdata=np.stack(
                [
                    [i18n.value("soil_class", c, lang) for c in g["soil_class"]],
                    [i18n.option_name(o, lang) for o in g["recommended_option"]],
                ],
                axis=1,
            ),
            hovertemplate="%{text}<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        )
    fig.update_xaxes(title=i18n.label("lon", lang))
    fig.update_yaxes(title=i18n.label("lat", lang), scaleanchor="x", scaleratio=1.0)
    return _layout(fig, title, height=480)
