"""The report's carbon headline is on the basis of its money line (against doing nothing:
``net_co2e_vs_baseline_t_ha_yr`` × area × horizon), and the options' own net balance, where shown, is
labelled as not compared with doing nothing (summary sentence, key numbers and the by-option table; EN/中文)."""

import re

import pandas as pd
import pytest

import agriremed
from agriremed.io.outputs import format_number
from agriremed.io.report import PlanDigest, plain_summary, report_html

#: a strict-control Cd paddy (switched out of rice: less paddy CH₄ than doing nothing) and a safe-utilisation one
PLOTS = pd.DataFrame([
    {"plot_id": "S1", "region": "Hunan/Zhuzhou", "land_use": "paddy", "crop": "rice", "area_ha": 2.0, "ph": 5.0,
     "cd_mg_kg": 2.5, "basic_farmland": "no", "som_pct": 3.0, "clay_pct": 30.0, "bulk_density_g_cm3": 1.2,
     "depth_m": 0.2},
    {"plot_id": "S2", "region": "Hunan/Zhuzhou", "land_use": "paddy", "crop": "rice", "area_ha": 1.0, "ph": 5.2,
     "cd_mg_kg": 0.6, "basic_farmland": "yes", "som_pct": 3.0, "clay_pct": 30.0, "bulk_density_g_cm3": 1.2,
     "depth_m": 0.2},
])


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(PLOTS, agriremed.Scenario(mc_draws=0), progress=False)


def _text(doc: str) -> str:
    doc = re.sub(r"<script[^>]*>.*?</script>|<style>.*?</style>", " ", doc, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", doc))


def test_carbon_headline_is_against_doing_nothing_like_the_money(plan):
    s = plan.summary
    vs = float((s["net_co2e_vs_baseline_t_ha_yr"] * s["area_ha"]).sum() * 20)
    own = float(s["net_co2e_t"].sum())
    # the two bases differ in sign here: the options emit on balance, but less than doing nothing
    assert vs > 0 > own
    d = PlanDigest.from_plan(plan)
    assert d.co2e_vs_t() == pytest.approx(vs) and d.co2e_t() == pytest.approx(own)
    en = plain_summary(d, "en", n_rejected=0, horizon_yr=20)
    v, o = format_number(vs, "en", "t CO2e", signed=True), format_number(own, "en", "t CO2e", signed=True)
    assert (f"Against doing nothing, the recommended options change the greenhouse-gas balance by {v} over 20 years "
            f"(positive = removed or avoided; the basis of the money above). Their own net balance over the horizon, "
            f"not compared with doing nothing: {o}.") in en
    zh = plain_summary(d, "zh", n_rejected=0, horizon_yr=20)
    vz, oz = format_number(vs, "zh", "t CO2e", signed=True), format_number(own, "zh", "t CO2e", signed=True)
    assert (f"与不治理相比，推荐方案在20年内的温室气体净效益为{vz}（正值表示清除或避免的排放；与上述净现值的比较基准相同）。"
            f"推荐方案自身在规划期内的温室气体净平衡（未与不治理比较）：{oz}。") in zh


def test_key_numbers_and_option_table_label_both_bases(plan):
    s = plan.summary
    vs = float((s["net_co2e_vs_baseline_t_ha_yr"] * s["area_ha"]).sum() * 20)
    own = float(s["net_co2e_t"].sum())
    en = _text(report_html(plan, lang="en", date="2026-12-07"))
    assert (f"{format_number(vs, 'en', 't CO2e', signed=True)} net CO₂e of the recommended options against doing "
            "nothing over the horizon") in en
    assert (f"{format_number(own, 'en', 't CO2e', signed=True)} net CO₂e of the recommended options themselves over "
            "the horizon (not against doing nothing)") in en
    assert "net CO₂e vs doing nothing, total [t CO₂e]" in en and "net CO₂e, own balance (not vs doing nothing)" in en
    zh = _text(report_html(plan, lang="zh", date="2026-12-07"))
    assert f"{format_number(vs, 'zh', 't CO2e', signed=True)} 推荐方案相对不治理的规划期内净CO₂当量" in zh
    assert "推荐方案自身规划期内净CO₂当量（未与不治理比较）" in zh
    d = PlanDigest.from_plan(plan)
    table = d.option_table("en")
    assert table["net_co2e_vs_t"].sum() == pytest.approx(vs) and table["net_co2e_t"].sum() == pytest.approx(own)
