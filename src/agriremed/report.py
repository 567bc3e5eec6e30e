"""Self-contained offline HTML report of a plan.

The report embeds plotly.js once (no CDN, no network), the summary with one
recommendation sentence per plot, figures, the rejected rows with reasons, every
assumption the plan used, the scenario, the column glossary and the sources.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio

from . import columns as C
from . import viz
from .tables import split_keys

__all__ = ["write_report", "report_html"]

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans SC',sans-serif;margin:2em auto;
max-width:1200px;color:#222;line-height:1.45;padding:0 1em}
h1{margin-bottom:0}h2{border-bottom:2px solid #2c7bb6;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f0f4f8}.muted{color:#666;font-size:.9em}
.kpi{display:inline-block;margin:.3em 1.5em .3em 0}.kpi b{font-size:1.4em;display:block}
.green{background:#d9f2d9}.amber{background:#fff2cc}.red{background:#f8d7da}
code{background:#f4f4f4;padding:0 .2em}
td:last-child{min-width:28em}
details>summary{cursor:pointer;list-style:none}details>summary h2{display:inline-block}
details>summary::before{content:"▸ ";color:#2c7bb6;font-size:1.4em}
details[open]>summary::before{content:"▾ "}
"""


def _table(df: pd.DataFrame, max_rows: int = 500) -> str:
    if df.empty:
        return "<p class='muted'>none</p>"
    shown = df.head(max_rows)
    out = shown.to_html(index=False, escape=True, na_rep="", float_format=lambda x: f"{x:,.4g}",
                        border=0)
    if len(df) > max_rows:
        out += f"<p class='muted'>{len(df) - max_rows} more rows in the CSV files.</p>"
    return out


#: Biochar credit columns of the report's credits section (inventory sink first).
CREDIT_COLUMNS = ("biochar_inventory_sink_co2e_t_ha_yr", "biochar_credit_csink_co2e_t_ha_yr",
                  "biochar_credit_puro_co2e_t_ha_yr", "biochar_credit_vm0044_co2e_t_ha_yr",
                  "biochar_status_csink", "biochar_status_puro", "biochar_status_vm0044")


def _credits_section(plan) -> str:
    """Biochar: the inventory sink against the credit each registry would issue ('' without biochar)."""
    t = plan.table
    sink = "biochar_inventory_sink_co2e_t_ha_yr"
    if sink not in t or not t[sink].notna().any():
        return ""
    rows = t.loc[t["biochar_inventory_sink_co2e_t_ha_yr"].notna() & t["applicable"].astype(bool),
                 ["plot_id", "option_id", *[c for c in CREDIT_COLUMNS if c in t]]]
    return _section("Biochar: inventory sink and credits", _table(rows.round(3)),
                    "The IPCC 2019 inventory sink of the biochar applied next to what the Global Biochar "
                    "C-Sink, Puro.earth 2025 and VM0044 would issue (their persistence, minus the production "
                    "emissions and buffer they deduct; 0 when not eligible; blank where a rule needs data "
                    "such as a measured H/Corg). Reported only: carbon revenue prices the scenario's "
                    "credit method.", folded=True)


def _used_sources(plan) -> set[str]:
    keys = set()
    t = plan.tables
    for name, df in t.items():
        if name == "sources":
            continue
        for col in [c for c in df.columns if c == "source" or c.endswith("_source")]:
            for cell in df[col]:
                keys.update(split_keys(cell))
    return keys


def _assumptions(plan) -> pd.DataFrame:
    t = plan.tables
    rows = []
    for name in ("option_parameters", "prices", "factors", "crops", "traffic_lights", "yield_adjustments"):
        df = t.__getattribute__(name)
        src_cols = [c for c in df.columns if c == "source" or c.endswith("_source")]
        mask = pd.Series(False, index=df.index)
        for c in src_cols:
            mask |= df[c].fillna("").str.contains("agriremed_assumption")
        sub = df.loc[mask]
        for r in sub.to_dict("records"):
            what = ".".join(str(r.get(k)) for k in ("option_id", "parameter", "item", "crop", "factor",
                                                     "criterion", "species", "driver", "category")
                            if r.get(k) not in (None, "", float("nan"))
                            and str(r.get(k)) != "nan")
            value = r.get("typical", r.get("yield_t_ha", r.get("green_at_least", "")))
            rows.append({"table": name, "entry": what, "value": value,
                         "range": f"{r.get('low', '')} – {r.get('high', '')}" if "low" in r else "",
                         "note": r.get("note", "")})
    return pd.DataFrame(rows)


def _recommended_scores(plan) -> pd.DataFrame:
    if plan.scores is None or plan.scores.empty:
        return pd.DataFrame()
    rec = plan.table.loc[plan.table["recommended"], ["plot_id", "option_id"]]
    cols = ["plot_id", "option_id", "criterion", "value", "utility", "weight", "light", "reason"]
    return plan.scores.merge(rec, on=["plot_id", "option_id"])[cols]


#: Above this many plots the report shows portfolio summaries instead of per-plot figures.
PER_PLOT_FIGURE_LIMIT = 200


def _section(title: str, body: str, intro: str = "", folded: bool = False) -> str:
    """A report section; ``folded`` sections are collapsed (<details>) until clicked."""
    head = f"<p class='muted'>{intro}</p>" if intro else ""
    if not folded:
        return f"<h2>{html.escape(title)}</h2>{head}{body}"
    return f"<details><summary><h2>{html.escape(title)}</h2></summary>{head}{body}</details>"


def _with_years_text(t: pd.DataFrame) -> pd.DataFrame:
    """The plan table with ``years to target`` as text: "stabilises, does not clean up" for an
    option that is not a clean-up method, "> 200" beyond 200 years (never "5 991")."""
    from .duration import cleanup_years_text

    y = t["years_p50"].fillna(t["years_to_target"]).to_numpy(float)
    text = cleanup_years_text(y, t["option_kind"].fillna("").to_numpy(object),
                              t["target_metals"].fillna("").to_numpy(object))
    return t.assign(**{"years to target": np.where(t["applicable"].to_numpy(bool), text, "")})


def _recommendation_table(s: pd.DataFrame) -> pd.DataFrame:
    from .soil import CLASS_NAMES

    cls = s["soil_class"].map(lambda c: " · ".join(CLASS_NAMES[c]) if c in CLASS_NAMES else "")
    crop = s["land_use"].astype(str) + " / " + s["crop"].astype(str)
    return pd.DataFrame({
        "plot": s["plot_id"], "region": s["region"], "land use / crop": crop, "soil class": cls,
        "above screening": s["metals_exceeding"].str.replace("+", ", ", regex=False).str.title(),
        "recommendation": s["recommendation"],
        "policy rule": (s["rule_set"].astype(str) + ": " + s["policy_rule"].fillna("").replace("", "no rule"))
        if "policy_rule" in s else "",
    })


def report_html(plan, title: str = "agriremed plan") -> str:
    """Build the report as one HTML string (plotly.js inlined once).

    Order: key numbers, rejected rows (when any), the recommendation per plot, figures,
    then folded reference sections (why: score table; all options; carbon ledger; biomass,
    energy and metal fate; assumptions; scenario; columns; sources). Above
    :data:`PER_PLOT_FIGURE_LIMIT` plots, per-plot figures give way to portfolio summaries.
    """
    s = plan.summary
    per_plot = len(plan.plots) <= PER_PLOT_FIGURE_LIMIT
    figs = [viz.recommendation_overview(s)]
    if per_plot:
        if len(plan.soil):
            figs.insert(0, viz.exceedance_heatmap(plan.soil))
        figs += [viz.duration_ranges(plan.table), viz.npv_vs_carbon(plan.table)]
        figs += [viz.carbon_vs_duration(plan.table)]
        rec = plan.table.loc[plan.table["recommended"]]
        if len(rec):
            figs.append(viz.carbon_waterfall(plan.carbon_ledger, rec["plot_id"].iloc[0], rec["option_id"].iloc[0]))
    fig_html = []
    for i, f in enumerate(figs):
        fig_html.append(pio.to_html(f, include_plotlyjs=(i == 0), full_html=False,
                                    config={"displaylogo": False}))
    area = s.groupby("soil_class")["area_ha"].sum()
    kpis = [("plots planned", f"{len(plan.plots):,}"), ("rows rejected", f"{len(plan.rejected):,}"),
            ("area planned [ha]", f"{s['area_ha'].sum():,.1f}")]
    kpis += [(f"{k.replace('_', ' ')} [ha]", f"{v:,.1f}") for k, v in area.items()]
    net = s["net_co2e_t"].sum()
    kpis.append(("net CO₂e of recommended options over horizon [t]", f"{net:,.0f}"))
    by_option = (s.groupby("recommended_name", dropna=False)
                 .agg(plots=("plot_id", "size"), area_ha=("area_ha", "sum"), net_co2e_t=("net_co2e_t", "sum"))
                 .reset_index().rename(columns={"recommended_name": "recommended option"})
                 .sort_values("area_ha", ascending=False))
    sources = plan.tables.sources
    used = _used_sources(plan)
    src = sources.loc[sources["key"].isin(used), ["key", "citation", "doi_or_url", "status"]]
    gloss = pd.DataFrame([{"column": c.name, "unit": C.unit_display(c.unit) if c.dtype in ("float", "int") else "",
                           "description": c.description}
                          for c in C.COLUMNS.values() if c.name in plan.table.columns or c.name in s.columns])
    ledger = plan.carbon_ledger.merge(plan.table.loc[plan.table["recommended"], ["plot_id", "option_id"]],
                                      on=["plot_id", "option_id"])
    m = plan.money()
    # money in the scenario currency first, then in CNY (the currency of the tables and thresholds)
    money_cols = [c for c in (C.money_column("npv_vs_baseline_cny_ha", m["code"]), "npv_vs_baseline_cny_ha")
                  if c in plan.table.columns]
    money_cols = list(dict.fromkeys(money_cols))
    money_line = ("" if m["code"] == "CNY" else
                  f"money in {m['code']} at {m['cny_per_unit']:g} CNY per {m['code']} ({m['basis']}) · ")
    rejected = ""
    if len(plan.rejected):
        rejected = _section(f"Rejected rows ({len(plan.rejected)})", _table(plan.rejected),
                            "These rows have errors and were not planned; every reason is listed. Fix them "
                            "and run again. Warnings on kept rows are in problems.csv.")
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='muted'>agriremed {html.escape(plan.version)} · scenario “{html.escape(plan.scenario.name)}” · "
        f"seed {plan.scenario.seed} · {plan.scenario.mc_draws} Monte Carlo draws · horizon "
        f"{plan.scenario.horizon_yr} yr · food standard {html.escape(plan.scenario.food_standard)} · "
        f"{html.escape(money_line)}input digest {plan.input_digest()}</p>",
        "<div>" + "".join(f"<span class='kpi'><b>{html.escape(str(v))}</b>{html.escape(k)}</span>"
                          for k, v in kpis) + "</div>",
        rejected,
        _section("Recommendations", _table(_recommendation_table(s)),
                 "One sentence per plot: the recommended option, what it achieves and costs against doing "
                 "nothing, and the runner-up. Options the jurisdiction rule set expects on the land rank "
                 "before those it only allows; fully assessed options rank before options with evidence gaps."),
        _section("Recommended options in the portfolio", _table(by_option)),
        _section("Figures", "".join(fig_html),
                 "" if per_plot else f"More than {PER_PLOT_FIGURE_LIMIT} plots: per-plot figures are left "
                 "out; see the CSV files or the dashboards."),
        _soft_reuse_section(plan),
        _map_section(plan),
        _section("Why: score table of the recommended options", _table(_recommended_scores(plan)),
                 "Every criterion with its value, utility, weight, traffic light and the reason for its colour; "
                 "the score table of all options is in scores.csv.", folded=True),
        _section("All options (plot × option)",
                 _table(_with_years_text(plan.table)[[
                     "plot_id", "option_name", "applicable", "reason", "evidence", "rank", "score",
                     "years to target", "crop_compliance_prob", *money_cols,
                                    "net_co2e_vs_baseline_t_ha_yr", "policy_status", "policy_rule",
                                    "light_food_safety", "light_food_production", "light_livelihood",
                                    "light_clean_up", "light_carbon", "light_economics"]]),
                 "Every option of every plot, with the reason it does or does not apply.", folded=True),
        _section("Carbon ledger of the recommended options", _table(ledger),
                 "t CO₂e ha⁻¹ yr⁻¹ averaged over the horizon; positive = removal or avoided emission, "
                 "negative = emission.", folded=True),
        _credits_section(plan),
        _section("Biomass, energy and metal fate",
                 _table(plan.table.loc[plan.table["applicable"] & plan.table["biomass_t_dm_ha_yr"].notna(),
                                       ["plot_id", "option_name", "biomass_t_dm_ha_yr", "yield_land",
                                        "energy_pathway", "useful_energy_gj_ha_yr", "electricity_mwh_ha_yr",
                                        "heat_gj_ha_yr", "biochar_t_ha_yr", "residue_disposal",
                                        "residue_note"]]),
                 "Applicable options with harvested biomass; residue disposal says whether the char, ash or "
                 "digestate may go on land (limits: NY 525-2012). Per-metal flows are in metal_fate.csv.",
                 folded=True),
        _section("Assumptions used", _table(_assumptions(plan)),
                 "Values marked as agriremed assumptions are placeholders, not literature values: replace them "
                 "with local figures through a scenario override or your own tables.", folded=True),
        _section("Scenario", f"<pre>{html.escape(plan.scenario.to_json())}</pre>", folded=True),
        _section("Columns", _table(gloss), folded=True),
        _section("Sources", _table(src), folded=True),
        "</body></html>",
    ]
    return "\n".join(parts)


def _soft_reuse_section(plan) -> str:
    """Opportunity matrix of the marginal plots (soft re-uses × services), folded; '' when none."""
    from .softreuse import SERVICES, for_plan

    soft = for_plan(plan)
    if soft is None or soft[1].empty:
        return ""
    reuse, matrix = soft
    nums = reuse[["plot_id", "reuse_id", "electricity_mwh_ha_yr", "net_co2e_t_ha_yr", "npv_vs_baseline_cny_ha",
                  "exposure_verdict"]]
    shown = matrix[["plot_id", "reuse_name", *[f"score_{s}" for s in SERVICES], "score_total"]].join(
        matrix[["plot_id", "reuse_id"]].merge(nums, on=["plot_id", "reuse_id"], how="left").drop(
            columns=["plot_id", "reuse_id"]))
    return _section("Soft re-use of marginal land: opportunity matrix", _table(shown),
                    "Solar PV, permanent cover, green space and biomass on marginal, mine and brownfield plots, "
                    "scored 0–3 per service by the rules of opportunity_rules.csv (reasons in "
                    "opportunity_matrix.csv); PV is never planned on cultivated land or permanent basic "
                    "farmland (自然资办发〔2023〕12号: see reuse_options.csv for every plot). Exposure: GB 36600 "
                    "for the intended use.", folded=True)


def _map_section(plan) -> str:
    """Map of the plots (GIS input only: ``plan.geometry``, set by the CLI), by soil class and by
    recommended option, with region outlines when ``plan.region_polygons`` is set; offline."""
    geometry = getattr(plan, "geometry", None)
    if geometry is None or not len(plan.summary):
        return ""
    regions = getattr(plan, "region_polygons", None)
    figs = [viz.parcel_map(plan.summary, geometry, c, regions) for c in ("soil_class", "recommended_option")]
    body = "".join(pio.to_html(f, include_plotlyjs=False, full_html=False, config={"displaylogo": False})
                   for f in figs)
    return _section("Map", body,
                    "Plots as drawn in the input layer (coordinates in degrees, no background map).")


def write_report(plan, path: str | Path) -> Path:
    """Write :func:`report_html` to ``path`` (UTF-8) and return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(report_html(plan), encoding="utf-8")
    return p
