"""safe-soil flags every reported threshold outside the transfer function's soil range: the median threshold
(safe_soil_p50_mg_kg) as well as the one at the chosen probability is checked, the value is kept (not clipped),
and the note names the value and the range, in English and Chinese, in safe_soil.csv and on the console."""

import math

import numpy as np
import pandas as pd
import pytest

from agriremed.apps.cli import main
from agriremed.core import messages
from agriremed.stages.uptake import safe_thresholds
from agriremed.stages.uptake.predict import parse_ranges


def _rice(ph):
    ph = list(ph)
    return pd.DataFrame({"plot_id": [f"r{p}" for p in ph], "region": "Jiangsu/Suzhou", "land_use": "paddy",
                         "crop": "rice", "area_ha": 1.0, "ph": ph, "som_pct": 2.5, "clay_pct": 25.0,
                         "cd_mg_kg": 0.8})


def _p50(ph):
    # synth_rice_cd_ph: log10 C = 0.4519 + 0.4305 log10 S − 0.22975 pH, fresh weight, GB 2762 limit 0.2
    return 10 ** ((math.log10(0.2) - 0.4519 + 0.22975 * ph) / 0.4305)


def test_the_median_threshold_beyond_the_soil_range_is_flagged_and_named():
    # the reviewer's D3: rice at pH 8.5, safe_soil_p50_mg_kg 72.94 with extrapolated FALSE (range 0.05–10)
    t = safe_thresholds(_rice([6.5, 8.5])).set_index("plot_id")
    r = t.loc["r8.5"]
    assert r["function_id"] == "synth_rice_cd_ph"
    assert r["safe_soil_p50_mg_kg"] == pytest.approx(_p50(8.5), rel=1e-9)
    assert r["safe_soil_p50_mg_kg"] == pytest.approx(72.94, rel=1e-4)  # reported, not clipped to 10
    assert r["safe_soil_mg_kg"] == pytest.approx(1.3438, rel=1e-4)  # inside the range
    assert r["extrapolated"] is True
    assert r["note"] == ("safe_ph: complies at this pH or above; safe soil threshold at probability 0.5 (72.9 mg/kg) "
                         "lies outside the soil Cd range of synth_rice_cd_ph (0.05–10 mg/kg): extrapolated beyond "
                         "the data of the function, not clipped")
    assert messages.render(r["note_msg"], "zh") == (
        "安全pH：在此pH或更高时达标；达标概率0.5的安全土壤阈值（72.9 mg/kg）超出synth_rice_cd_ph的土壤镉适用范围"
        "（0.05–10 mg/kg）：为超出该函数数据范围的外推值，未截断")
    # both thresholds inside 0.05–10 (0.115 and 6.25): not extrapolated, nothing said
    inside = t.loc["r6.5"]
    assert inside["safe_soil_p50_mg_kg"] == pytest.approx(6.2459, rel=1e-4)
    assert inside["extrapolated"] is False and "outside the soil" not in inside["note"]


def test_a_threshold_below_the_soil_range_is_named_with_its_probability():
    r = safe_thresholds(_rice([4.5])).iloc[0]
    assert r["safe_soil_mg_kg"] == pytest.approx(0.009854, rel=1e-3) and r["extrapolated"] is True
    assert ("safe soil threshold at probability 0.95 (0.00985 mg/kg) lies outside the soil Cd range of "
            "synth_rice_cd_ph (0.05–10 mg/kg)") in r["note"]
    assert "probability 0.5" not in r["note"]  # the median, 0.535, is inside


def test_extrapolated_is_true_exactly_where_a_reported_threshold_or_the_plot_is_outside(tables):
    ph = np.round(np.arange(4.0, 8.51, 0.25), 2)
    plots = pd.concat([_rice(ph), _rice(ph).assign(plot_id=lambda d: "h" + d["plot_id"], region="Hunan/Zhuzhou"),
                       _rice(ph).assign(plot_id=lambda d: "m" + d["plot_id"], crop="maize", land_use="upland",
                                        region="Shandong/Jinan", cd_mg_kg=0.3)], ignore_index=True)
    t = safe_thresholds(plots)
    tf = tables.transfer_functions.set_index("function_id")
    checked = 0
    for r in t.itertuples(index=False):
        ranges = parse_ranges(tf.at[r.function_id, "valid_ranges"])
        lo, hi = ranges["soil"]
        plo, phi = ranges["ph"]
        plot = plots.set_index("plot_id").loc[r.plot_id]
        out = [not lo <= x <= hi for x in (r.safe_soil_mg_kg, r.safe_soil_p50_mg_kg)]
        want = any(out) or not plo <= plot["ph"] <= phi
        assert r.extrapolated is want, (r.plot_id, r.safe_soil_mg_kg, r.safe_soil_p50_mg_kg)
        assert r.note.count("lies outside the soil Cd range") == sum(out), r.plot_id
        checked += 1
    assert checked == len(plots) == 3 * len(ph)
    # the flagged medians include the ones the reviewer listed
    p50 = t.set_index("plot_id")["safe_soil_p50_mg_kg"]
    assert p50["r8.0"] == pytest.approx(39.46, rel=1e-3) and p50["mr8.0"] > 10


def test_console_names_the_range_in_english_and_chinese(tmp_path, capsys):
    src = tmp_path / "plots.csv"
    _rice([6.5, 8.0, 8.5]).to_csv(src, index=False)
    assert main(["safe-soil", str(src), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert ("Cd with synth_rice_cd_ph: for 2 plot(s) (r8.0, r8.5) a safe soil value lies outside the soil range of "
            "the function (0.05–10 mg/kg); it is extrapolated beyond the data of the function, not clipped") in out
    written = pd.read_csv(tmp_path / "o" / "safe_soil.csv").set_index("plot_id")
    assert written["extrapolated"].astype(str).str.upper().tolist() == ["FALSE", "TRUE", "TRUE"]
    assert written.loc["r8.5", "safe_soil_p50_mg_kg"] == pytest.approx(72.94, rel=1e-4)
    assert main(["safe-soil", str(src), "--lang", "zh"]) == 0
    zh = capsys.readouterr().out
    assert ("synth_rice_cd_ph预测的镉：2个地块（r8.0, r8.5）的安全土壤值超出该函数的土壤适用范围（0.05–10 mg/kg），"
            "为超出该函数数据范围的外推值，未截断") in zh
