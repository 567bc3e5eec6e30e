"""A blank soil-organic-matter, clay, depth or bulk-density cell is not "given blank results": the plan assumes the
typical value of ``covariate_defaults.csv`` for the row, and the warning of ``problems.csv`` (and the console) names
that value and its source, in English and Chinese, as the sentence does. With ``assume_missing_covariates`` false
nothing is assumed and the old warning stays."""

import numpy as np
import pandas as pd

import agriremed
from agriremed.core.messages import render
from agriremed.io.validate import validate_plots

ROWS = pd.DataFrame([
    # pak choi on vegetable land, SOM and clay blank: the leafy function needs them (2.5 %, 20 %)
    dict(plot_id="V", region="Zhejiang/Hangzhou", land_use="vegetable", crop="pak_choi", area_ha=0.2, ph=4.0,
         som_pct=np.nan, clay_pct=np.nan, depth_m=0.2, bulk_density_g_cm3=1.2, cd_mg_kg=0.32),
    # rice on a paddy, SOM, depth and bulk density blank: paddy SOM 2.0 %, plough layer 0.2 m, 1.3 g/cm³
    dict(plot_id="R", region="Jiangxi/Pingxiang", land_use="paddy", crop="rice", area_ha=0.5, ph=6.0,
         som_pct=np.nan, clay_pct=25.0, depth_m=np.nan, bulk_density_g_cm3=np.nan, cd_mg_kg=0.5),
])


def _warnings(problems: pd.DataFrame) -> dict:
    p = problems.loc[problems["severity"].eq("warning") & problems["plot_id"].isin(["V", "R"])]
    return {(r.plot_id, r.column): r for r in p.itertuples(index=False)}


def test_blank_covariate_cells_name_the_value_assumed_and_its_source():
    w = _warnings(validate_plots(ROWS).problems)
    assert set(w) == {("V", "som_pct"), ("V", "clay_pct"), ("R", "som_pct"), ("R", "depth_m"),
                      ("R", "bulk_density_g_cm3")}
    assert not any("give blank results" in r.problem for r in w.values())
    assert w[("V", "som_pct")].problem == (
        "blank: where a crop's transfer function needs it, the typical value for the plot's land use, 2.5 % "
        "(MARA 2020; project assumption; covariate_defaults.csv), is assumed, which widens the crop prediction; "
        "measuring it narrows the prediction")
    assert "the typical value for the plot's land use, 20 % (Zhao et al. 2023; project assumption;" in \
        w[("V", "clay_pct")].problem
    # paddy land: SOM 2.0 % (Qin 2013 paddy carbon density), not the vegetable 2.5 %
    assert "the typical value for the plot's land use, 2 % (Qin et al. 2013; Pribyl 2010; project assumption;" in \
        w[("R", "som_pct")].problem
    assert w[("R", "depth_m")].problem.startswith(
        "blank: the typical plough-layer value 0.2 m (HJ/T 166—2004; project assumption; covariate_defaults.csv) "
        "is assumed for the soil mass")
    assert "typical plough-layer value 1.3 g cm⁻³ (" in w[("R", "bulk_density_g_cm3")].problem
    zh = render(w[("V", "som_pct")].problem_msg, "zh")
    assert zh == ("空值：作物转移函数需要该指标时，按地块所属用地类型的典型值2.5 %估算（农业农村部 2020；本工具假设；"
                  "covariate_defaults.csv），作物含量的预测范围因此更宽；实测该指标可缩小预测范围")


def test_the_values_named_are_the_values_the_plan_assumes():
    p = agriremed.plan(ROWS, agriremed.Scenario(mc_draws=0), progress=False)
    s = p.summary.set_index("plot_id")
    assert s.loc["V", "uptake_assumed_inputs"] == "cd: som_pct = 2.5 %, clay_pct = 20 %"
    assert s.loc["R", "soil_mass_assumed"] == "depth_m=0.2|bulk_density_g_cm3=1.3"
    w = _warnings(p.problems)
    assert "2.5 %" in w[("V", "som_pct")].problem and "1.3 g cm⁻³" in w[("R", "bulk_density_g_cm3")].problem


def test_switch_off_keeps_the_blank_result_warning():
    p = agriremed.plan(ROWS, agriremed.Scenario(mc_draws=0, assume_missing_covariates=False), progress=False)
    w = _warnings(p.problems)
    assert w[("V", "som_pct")].problem == "blank: stages that need this value give blank results for this plot"
    assert w[("R", "depth_m")].problem == "blank: stages that need this value give blank results for this plot"
