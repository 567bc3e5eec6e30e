"""The report names, per plot and metal, the transfer function that predicted the crop, whether it
was fitted to the user's own data, and the functions passed over (no silent switch)."""

import re

import numpy as np
import pandas as pd

import agriremed
from agriremed.io.pairs import fit_transfer_function
from agriremed.io.report import report_html
from plotdata import make_plots


def _pairs(n=60, seed=4):
    rng = np.random.default_rng(seed)
    ph, soil = rng.uniform(4.8, 7.2, n), 10 ** rng.uniform(-0.7, 0.2, n)
    plant = 10 ** (-0.2 + 0.8 * np.log10(soil) - 0.2 * ph + rng.normal(0, 0.2, n))
    return pd.DataFrame({"soil_cd_mg_kg": soil, "plant_cd_mg_kg": plant, "ph": ph})


def _section(html: str, head: str) -> str:
    i = html.index(head)
    return re.sub(r"<[^>]+>", " ", html[i:i + 6000])


def test_report_names_the_function_and_whether_it_is_the_users():
    fit = fit_transfer_function(_pairs(), crop="rice", terms=["log10(soil)", "ph"], provinces="Jiangsu",
                                function_id="user_rice_cd_county")
    plots = make_plots(2, plot_id=["JS", "GX"], region=["Jiangsu/Suzhou", "Guangxi/Hechi"], crop="rice",
                       land_use="paddy", ph=5.6, cd_mg_kg=0.6)
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0), tables=fit.tables(), progress=False)
    u = p.uptake.set_index("plot_id")
    assert u.loc["JS", "function_id"] == "user_rice_cd_county" and bool(u.loc["JS", "user_function"])
    assert u.loc["GX", "function_id"] == "synth_rice_cd_ph" and not bool(u.loc["GX", "user_function"])
    assert u.loc["GX", "selection"] == ("skipped user_rice_cd_county (for Jiangsu only); "
                                        "synth_rice_cd_ph_hunan (for Hunan only)")
    en = _section(report_html(p, lang="en"), "Metal in the crop: the transfer function of each plot")
    assert re.search(r"JS\s+Rice\s+Cd\s+user_rice_cd_county\s+yes", en, re.I), en[:800]
    assert "skipped user_rice_cd_county (for Jiangsu only)" in en
    zh = _section(report_html(p, lang="zh"), "作物重金属：各地块采用的转移函数")
    assert re.search(r"JS\s+水稻\s+镉\s+user_rice_cd_county\s+是", zh), zh[:800]
    assert "未采用：user_rice_cd_county（仅适用于江苏省）" in zh
