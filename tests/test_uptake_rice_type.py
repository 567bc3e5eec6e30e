"""The optional rice_type column: its sourced factor, where it applies, header and value spellings,
and the safe soil threshold that goes with it."""

import math

import numpy as np
import pandas as pd
import pytest

from agriremed.stages import uptake
from agriremed.stages.uptake import synthesis
from agriremed.io.validate import normalise_header, validate_plots

# japonica: mean of log10(√(2.1·27.0)/√(4.1·55.5)) (varieties in one field) and −b·log10(1.2/0.6)
# (safe soil Cd per rice type) with the synthesis soil exponent b = (0.421 + 0.44)/2
_B = (0.421 + 0.44) / 2
_JAPONICA = 10 ** ((math.log10(math.sqrt(2.1 * 27.0) / math.sqrt(4.1 * 55.5)) - _B * math.log10(1.2 / 0.6)) / 2)


def test_factor_is_the_documented_mean_of_its_sources(tables):
    f = synthesis.rice_type_factors(tables.uptake_slopes, _B)
    assert _JAPONICA == pytest.approx(0.6086, abs=1e-4)             # hand value
    assert f["japonica"] == pytest.approx(_JAPONICA, rel=2e-4)      # table holds −0.3017 (rounded)
    assert f["indica"] == 1.0 and f["hybrid"] == 1.0
    assert uptake.rice_type_factors(tables)["japonica"] == pytest.approx(f["japonica"])
    # a soil-ratio row is converted with the exponent passed in
    assert synthesis.rice_type_factors(tables.uptake_slopes, 0.0)["japonica"] == pytest.approx(
        10 ** (-0.3017 / 2), rel=1e-9)


def _plots(rice_type, n=4):
    return pd.DataFrame({"plot_id": [f"p{i}" for i in range(n)], "crop": "rice", "ph": 5.5,
                         "cd_mg_kg": 0.5, "rice_type": rice_type})


def test_prediction_changes_only_where_the_column_is_given(tables):
    # synth_rice_cd_ph at soil 0.5, pH 5.5: 10^(0.4519 + 0.4305·log10 0.5 − 0.22975·5.5)
    base = 10 ** (0.4519 + 0.4305 * math.log10(0.5) - 0.22975 * 5.5)
    p = uptake.predict_crop_concentration(_plots(["indica", "japonica", "hybrid", None]), metals=["cd"],
                                          tables=tables)
    assert (p["function_id"] == "synth_rice_cd_ph").all()
    got = p["crop_fw_p50_mg_kg"].to_numpy()
    assert got == pytest.approx([base, base * _JAPONICA, base, base], rel=3e-4)
    assert "0.609 for japonica rice" in p["note"].iloc[1] and p["note"].iloc[0] == "" and p["note"].iloc[3] == ""
    # without the column: the same as indica
    q = uptake.predict_crop_concentration(_plots(None).drop(columns="rice_type"), metals=["cd"], tables=tables)
    assert q["crop_fw_p50_mg_kg"].to_numpy() == pytest.approx([base] * 4, rel=3e-4)
    # intervals scale with the median
    assert p["crop_fw_p95_mg_kg"].iloc[1] / p["crop_fw_p95_mg_kg"].iloc[0] == pytest.approx(_JAPONICA, rel=3e-4)


def test_not_applied_to_other_crops_metals_or_user_functions(tables):
    plots = _plots(["japonica"] * 2, 2).assign(crop=["wheat", "rice"], pb_mg_kg=50.0)
    p = uptake.predict_crop_concentration(plots, metals=["cd"], tables=tables).set_index("plot_id")
    wheat = uptake.predict_crop_concentration(plots.drop(columns="rice_type"), metals=["cd"],
                                              tables=tables).set_index("plot_id")
    assert p.loc["p0", "crop_fw_p50_mg_kg"] == pytest.approx(wheat.loc["p0", "crop_fw_p50_mg_kg"])
    # a user's own rice function (priority 0) is left unchanged
    tf = tables.transfer_functions
    user = tf.loc[tf["function_id"] == "synth_rice_cd_ph"].assign(function_id="my_rice", priority=0)
    t2 = tables.replace(transfer_functions=pd.concat([user, tf], ignore_index=True))
    u = uptake.predict_crop_concentration(_plots(["japonica", None], 2), metals=["cd"], tables=t2)
    assert (u["function_id"] == "my_rice").all()
    assert u["crop_fw_p50_mg_kg"].iloc[0] == pytest.approx(u["crop_fw_p50_mg_kg"].iloc[1])


def test_safe_soil_threshold_follows_the_factor(tables):
    t = uptake.safe_thresholds(_plots(["indica", "japonica"], 2), metals=["cd"], tables=tables).set_index("plot_id")
    # grain ∝ soil^b: a factor f on the grain multiplies the safe soil Cd by f^(−1/b)
    ratio = t.loc["p1", "safe_soil_mg_kg"] / t.loc["p0", "safe_soil_mg_kg"]
    assert ratio == pytest.approx(_JAPONICA ** (-1 / 0.4305), rel=1e-3)
    assert t.loc["p1", "food_limit_mg_kg"] == t.loc["p0", "food_limit_mg_kg"] == 0.2


def test_spellings_headers_and_unknown_values(plots_factory):
    df = plots_factory(6).assign(rice_type=["籼稻", "粳稻", "杂交稻", "", "Japonica", "javanica"])
    v = validate_plots(df)
    assert len(v.plots) == 6 and v.rejected.empty
    got = [None if pd.isna(x) else x for x in v.plots["rice_type"]]
    assert got == ["indica", "japonica", "hybrid", None, "japonica", None]
    pb = v.problems.loc[v.problems["column"] == "rice_type"]
    # 籼稻 and 粳稻 are the codes' own Chinese names (a note); 杂交稻, Japonica and javanica are warnings
    assert pb.set_index("value")["severity"].to_dict() == {"籼稻": "note", "粳稻": "note", "杂交稻": "warning",
                                                           "Japonica": "warning", "javanica": "warning"}
    assert pb["problem"].str.startswith("read as").sum() == 4
    assert (pb["problem"] == "unknown value (value ignored)").sum() == 1
    for h in ("水稻类型", "稻型", "rice_type", "Rice type"):
        assert normalise_header(h)[0] == "rice_type"


def test_survey_check_reports_the_japonica_bias_with_the_factor(tables):
    sk = synthesis.survey_skill(tables).set_index("survey_id")
    nx = sk.loc["nanxun_zhejiang"]
    assert nx["rice_type_factor"] == pytest.approx(_JAPONICA, rel=2e-4)
    assert nx["bias_rice_type_log10"] == pytest.approx(nx["bias_log10"] + math.log10(_JAPONICA), abs=1e-4)
    assert (sk.drop(index="nanxun_zhejiang")["rice_type_factor"] == 1.0).all()   # mixed or indica surveys
    assert np.isfinite(sk["bias_rice_type_log10"]).all()


def test_note_and_values_are_translated(tables):
    from agriremed.core import i18n, messages

    p = uptake.predict_crop_concentration(_plots(["japonica", None], 2), metals=["cd"], tables=tables)
    note = "× 0.609 for japonica rice (rice_type; the function was calibrated on indica rice)"
    assert p["note"].tolist() == [note, ""]
    # the note as a message code, rendered in each language (no English pattern involved)
    assert p["note_msg"].tolist() == ['[["upt.rice_type",{"factor":0.609,"rice_type":"japonica"}]]', ""]
    assert messages.column_texts(p, "note", "en").tolist() == [note, ""]
    assert messages.column_texts(p, "note", "zh").tolist() == ["粳稻系数 × 0.609（rice_type；该函数按籼稻标定）", ""]
    assert [i18n.value("rice_type", v, "zh") for v in ("indica", "japonica")] == ["籼稻", "粳稻"]
