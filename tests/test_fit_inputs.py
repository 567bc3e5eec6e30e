"""Pairs tables for ``fit-uptake``: Chinese headers and units, crop aliases, unknown columns,
duplicated pairs, implausible plant values, and the warnings on weak fits."""

import numpy as np
import pandas as pd
import pytest

from agriremed.io.pairs import fit_transfer_function, folder_warnings, read_pair_header, validate_pairs, write_fit
from agriremed.stages.uptake.fit import FitError

TERMS = ["log10(soil)", "ph", "log10(som_pct)"]


def simulate(n=120, seed=3, noise=0.25):
    """Rice pairs from log10 C = −0.8 + 0.9·log10 S − 0.25·(pH − 6) + N(0, noise)."""
    rng = np.random.default_rng(seed)
    soil = 10 ** rng.uniform(-1, np.log10(2), n)
    ph = rng.uniform(4.5, 7.5, n)
    som = rng.uniform(1, 5, n)
    plant = 10 ** (-0.8 + 0.9 * np.log10(soil) - 0.25 * (ph - 6) + rng.normal(0, noise, n))
    return pd.DataFrame({"pair_id": [f"F{i:03d}" for i in range(n)], "crop": "rice", "soil_cd_mg_kg": soil,
                         "ph": ph, "som_pct": som, "plant_cd_mg_kg": plant})


def chinese(d: pd.DataFrame, soil="土壤镉", plant="籽粒镉", som="有机质", pid="样品编号") -> pd.DataFrame:
    return d.assign(crop="水稻").rename(columns={"pair_id": pid, "crop": "作物", "soil_cd_mg_kg": soil,
                                                "ph": "pH", "som_pct": som, "plant_cd_mg_kg": plant})


@pytest.mark.parametrize("header, canonical, factor", [
    ("土壤镉", "soil_cd_mg_kg", 1.0), ("土壤总镉", "soil_cd_mg_kg", 1.0), ("土壤镉(mg/kg)", "soil_cd_mg_kg", 1.0),
    ("籽粒镉（mg/kg）", "plant_cd_mg_kg", 1.0), ("糙米镉", "plant_cd_mg_kg", 1.0), ("稻米镉", "plant_cd_mg_kg", 1.0),
    ("大米镉", "plant_cd_mg_kg", 1.0), ("籽粒镉(μg/kg)", "plant_cd_mg_kg", 0.001), ("植株铅", "plant_pb_mg_kg", 1.0),
    ("可食部砷（mg/kg）", "plant_as_mg_kg", 1.0), ("土壤汞", "soil_hg_mg_kg", 1.0), ("土壤总铬", "soil_cr_mg_kg", 1.0),
    ("有机质(%)", "som_pct", 1.0), ("有机质(g/kg)", "som_pct", 0.1), ("样品编号", "pair_id", 1.0),
    ("样点编号", "pair_id", 1.0), ("作物", "crop", 1.0), ("pH", "ph", 1.0), ("plant_cd_ug_kg", "plant_cd_mg_kg", 0.001),
])
def test_pair_headers_in_chinese_with_units(header, canonical, factor):
    h = read_pair_header(header, "cd")
    assert (h.canonical, h.error) == (canonical, None)
    assert h.factor == pytest.approx(factor, rel=1e-12)


def test_chinese_headers_fit_as_the_english_ones_and_crop_alias_is_read():
    d = simulate()
    ref = fit_transfer_function(d, crop="rice", terms=TERMS)
    zh = fit_transfer_function(chinese(d), crop="水稻", terms=TERMS)
    np.testing.assert_allclose(zh.coefficients["coef"], ref.coefficients["coef"], rtol=1e-10)
    assert zh.crop == "rice" and zh.function_row().loc[0, "fitted_crop"] == "rice"
    assert zh.stats["n"] == 120


def test_chinese_headers_with_units_are_converted():
    d = simulate()
    ref = fit_transfer_function(d, crop="rice", terms=TERMS)
    zh = chinese(d.assign(plant_cd_mg_kg=d["plant_cd_mg_kg"] * 1000, som_pct=d["som_pct"] * 10),
                 soil="土壤总镉（mg/kg）", plant="糙米镉(μg/kg)", som="有机质(g/kg)")
    f = fit_transfer_function(zh, crop="水稻", terms=TERMS)
    np.testing.assert_allclose(f.coefficients["coef"], ref.coefficients["coef"], rtol=1e-9)
    msgs = f.validation.messages()
    assert any("'糙米镉(μg/kg)' states μg/kg: values converted to mg/kg (× 0.001) as plant_cd_mg_kg" in m
               for m in msgs), msgs


def test_default_terms_include_som_under_a_chinese_header():
    d = simulate().rename(columns={"som_pct": "有机质"})
    f = fit_transfer_function(d, crop="rice")
    assert f.terms == ("log10(soil)", "ph", "log10(som_pct)")


def test_unknown_column_is_reported_not_silently_dropped():
    d = simulate().rename(columns={"som_pct": "土壤有机碳含量"}).assign(备注="x")
    v = validate_pairs(d, "cd", "rice")
    unread = v.problems.loc[v.problems["problem"].str.startswith("column not read"), "column"].tolist()
    assert unread == ["土壤有机碳含量", "备注"]
    assert (v.problems.loc[v.problems["column"].isin(unread), "severity"] == "warning").all()


def test_repeated_pair_id_and_identical_rows_are_warned_with_their_rows(tmp_path):
    from agriremed.io.pairs import write_fit

    d = simulate(n=40)
    d.loc[11, "pair_id"] = d.loc[10, "pair_id"]            # rows 11 and 12 share F010
    d = pd.concat([d, d.iloc[:3]], ignore_index=True)       # rows 41–43 copy rows 1–3
    f = fit_transfer_function(d, crop="rice", terms=TERMS)
    p = f.validation.problems
    ids = p.loc[p["problem"].str.startswith("pair id used by several rows")]
    assert ids["input_row"].tolist() == [11, 12] and (ids["severity"] == "warning").all()
    assert ids["problem"].iloc[0] == "pair id used by several rows (11, 12)"
    same = p.loc[p["problem"].str.startswith("row identical to another")]
    assert same["input_row"].tolist() == [1, 2, 3, 41, 42, 43]
    assert same["problem"].iloc[0].startswith("row identical to another (rows 1, 41)")
    assert f.stats["n"] == 43  # warnings: every pair is still fitted
    write_fit(f, tmp_path)
    probs = pd.read_csv(tmp_path / f"{f.function_id}_problems.csv", encoding="utf-8-sig")
    assert list(probs.columns[:2]) == ["input_row", "pair_id"]


def test_plant_values_in_micrograms_under_a_mg_header_are_flagged():
    from agriremed.core import columns as C
    from agriremed.io.pairs import bcf_band, plant_typical_max

    d = simulate()
    ok = fit_transfer_function(d, crop="rice", terms=TERMS)
    assert not any(w.codes == ("fit.warn_bcf",) for w in ok.warnings)
    assert not (ok.validation.problems["severity"] == "warning").any()
    ug = fit_transfer_function(d.assign(plant_cd_mg_kg=d["plant_cd_mg_kg"] * 1000), crop="rice", terms=TERMS)
    p = ug.validation.problems
    high = p.loc[p["column"] == "plant_cd_mg_kg"]
    assert (high["severity"] == "warning").all()
    assert high["input_row"].tolist() == [i + 1 for i in np.flatnonzero(d["plant_cd_mg_kg"] * 1000 > 2.0)]
    assert "typically at most 2 mg/kg (10 × the highest GB 2762 limit" in high["expected"].iloc[0]
    # rice grain Cd limit 0.2 mg/kg (food_limits.csv) → 2 mg/kg; the registry's any-crop range is
    # 10 × the highest Cd limit of any food crop (peanut 0.5 mg/kg)
    assert plant_typical_max("cd", "rice") == (2.0, "rice")
    assert C.COLUMNS["plant_cd_mg_kg"].typical == (None, 5.0)
    lo, hi, ids = bcf_band("rice", "cd")
    assert len(ids) >= 4 and lo < ok.stats["bcf_geometric_mean"] < hi
    assert ug.stats["bcf_geometric_mean"] > hi
    texts = [t for t, w in zip(ug.warning_texts(), ug.warnings, strict=True) if w.codes == ("fit.warn_bcf",)]
    assert len(texts) == 1 and texts[0].startswith(
        f"the geometric-mean BCF of the pairs (plant/soil) is {ug.stats['bcf_geometric_mean']:.3g}, outside")
    assert "WARNING: the geometric-mean BCF" in ug.function_row().loc[0, "note"]
    assert "\n  WARNING the geometric-mean BCF" in ug.summary().split("warnings:\n", 1)[1]


def test_plant_typical_ranges_are_ten_times_the_highest_gb2762_limit():
    from agriremed.core import columns as C
    from agriremed.core.tables import load_tables

    fl = load_tables().food_limits
    gb = fl.loc[fl["standard"] == "GB2762"].groupby("metal")["limit_mg_kg"].max()
    assert C.PLANT_TYPICAL_MAX == pytest.approx({m: 10 * float(v) for m, v in gb.items()})
    for m in C.METALS:
        t = C.COLUMNS[f"plant_{m}_mg_kg"].typical
        assert t == ((None, C.PLANT_TYPICAL_MAX[m]) if m in gb.index else None)


def codes(fit):
    return [w.codes[0] for w in fit.warnings]


def test_weak_fits_are_warned_but_written():
    d = simulate(n=400, seed=5)
    good = fit_transfer_function(d, crop="rice", terms=["log10(soil)", "ph"])
    assert good.warnings == []
    small = fit_transfer_function(d.iloc[:8], crop="rice", terms=TERMS)
    assert "fit.warn_small_n" in codes(small)
    assert small.warning_texts()[0] == ("only 8 pairs for 4 coefficients: at least 40 are advised (30, and 10 "
                                        "per coefficient); the coefficients and the function's spread are uncertain")
    # 25 pairs, 2 terms: 30 pairs advised
    assert codes(fit_transfer_function(d.iloc[:25], crop="rice", terms=["log10(soil)", "ph"]))[:1] == \
        ["fit.warn_small_n"]
    row = small.function_row().loc[0]
    assert bool(row["usable"]) and "WARNING: only 8 pairs for 4 coefficients" in row["note"]


def test_cv_worse_than_bcf_and_wide_ci_are_warned():
    rng = np.random.default_rng(2)
    d = simulate(n=60, seed=2)
    noise = d.assign(plant_cd_mg_kg=d["soil_cd_mg_kg"] * 10 ** rng.normal(-0.8, 0.4, 60))  # plant ∝ soil only
    f = fit_transfer_function(noise, crop="rice", terms=TERMS)
    cv = f.cv.set_index("model")["r2_cv"]
    assert cv["loglog"] <= max(cv["bcf"], cv["mean"])
    assert "fit.warn_cv" in codes(f)
    wide = [w for w in f.warnings if w.codes == ("fit.warn_coef_ci",)]
    c = f.coefficients.set_index("model_term")
    flagged = [dict(w.parts[0][1])["term"] for w in wide]
    for t in ("ph", "log10(som_pct)"):
        lo, hi, coef = c.loc[t, "coef_ci_low"], c.loc[t, "coef_ci_high"], c.loc[t, "coef"]
        assert (t in flagged) == (lo <= 0 <= hi and hi - lo > 2 * abs(coef))
    assert "ph" in flagged


def test_narrow_ph_range_is_warned():
    d = simulate(n=60, seed=4)
    narrow = d.assign(ph=np.linspace(5.95, 6.05, 60))
    f = fit_transfer_function(narrow, crop="rice", terms=["log10(soil)", "ph"])
    assert "fit.warn_narrow_ph" in codes(f)
    text = [t for t in f.warning_texts() if t.startswith("ph spans only")]
    assert text == ["ph spans only 5.95–6.05 in the data (less than 1 pH unit): its slope cannot be estimated "
                    "reliably; drop it from --terms or add pairs over a wider pH range"]
    wide = fit_transfer_function(d.assign(ph=np.linspace(5.5, 6.5, 60)), crop="rice", terms=["log10(soil)", "ph"])
    assert "fit.warn_narrow_ph" not in codes(wide)  # 1 pH unit is enough
    som = fit_transfer_function(d.assign(som_pct=np.linspace(2.0, 3.9, 60)), crop="rice", terms=TERMS)
    assert "fit.warn_narrow_log_range" in codes(som)


def test_second_function_for_the_same_crop_and_metal_in_a_folder_is_warned(tmp_path, plots_factory):
    import agriremed
    from agriremed.core.tables import load_tables
    from agriremed.io.pairs import write_fit

    d = simulate(n=120, seed=7)
    first = fit_transfer_function(d, crop="rice", terms=["log10(soil)", "ph"], function_id="user_a")
    write_fit(first, tmp_path)
    assert first.warnings == []
    second = fit_transfer_function(d.iloc[:60], crop="rice", terms=["log10(soil)", "ph"], function_id="user_b")
    write_fit(second, tmp_path)
    texts = [t for t in second.warning_texts() if "folder already holds" in t]
    assert texts == ["the folder already holds user_a for rice Cd with the same provinces (priority 0): a plan "
                     "tries the user's functions by priority, then in the order of transfer_functions.csv, so "
                     "user_a is used for every plot whose inputs it has within the range of its data (a fitted "
                     "function is not used beyond it) and user_b only where user_a lacks an input or the plot lies "
                     "beyond its data; give one another --provinces, or fit into another folder"]
    assert "folder already holds user_a" in (tmp_path / "user_b_summary.txt").read_text(encoding="utf-8")
    # the rule stated is the plan's: the first row wins inside its data; beyond the data of both the
    # packaged default predicts
    p = plots_factory(1, region="", crop="rice", land_use="paddy", ph=6.0, cd_mg_kg=0.5)
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0), tables=load_tables(tmp_path))
    assert plan.uptake.loc[plan.uptake["metal"] == "cd", "function_id"].tolist() == ["user_a"]
    far = plots_factory(1, region="", crop="rice", land_use="paddy", ph=6.0, cd_mg_kg=5.0)
    u = agriremed.plan(far, agriremed.Scenario(mc_draws=0), tables=load_tables(tmp_path)).uptake
    assert u.loc[u["metal"] == "cd", ["function_id", "user_fit_skipped"]].values.tolist() == [
        ["synth_rice_cd_ph", "user_a (cd_mg_kg = 5 outside its fitted range {:.4g}–{:.4g})".format(
            *first.valid_ranges["soil"])]]
    # another province or another crop is no conflict
    other = fit_transfer_function(d, crop="rice", terms=["log10(soil)", "ph"], function_id="user_c",
                                  provinces="Hunan")
    write_fit(other, tmp_path)
    assert not any("folder already" in t for t in other.warning_texts())


def test_failed_residual_diagnostics_are_warnings():
    d = simulate(n=100, seed=11)
    clean = fit_transfer_function(d, crop="rice", terms=["log10(soil)", "ph"])
    assert clean.stats["shapiro_p"] > 0.01 and clean.stats["breusch_pagan_p"] > 0.01
    assert not {"fit.warn_nonnormal", "fit.warn_heteroscedastic"} & set(codes(clean))
    out = d.copy()
    out.loc[:4, "plant_cd_mg_kg"] *= 30  # five gross errors in rows 1–5
    f = fit_transfer_function(out, crop="rice", terms=["log10(soil)", "ph"])
    assert f.stats["shapiro_p"] < 0.01 and "fit.warn_nonnormal" in codes(f)
    text = next(t for t in f.warning_texts() if t.startswith("the residuals are not normal"))
    rows = text.split("(rows ")[1].split(")")[0].split(", ")
    assert sorted(map(int, rows)) == [1, 2, 3, 4, 5] and text.endswith("or refit with --method huber")
    rng = np.random.default_rng(12)
    het = d.assign(plant_cd_mg_kg=d["plant_cd_mg_kg"] * 10 ** (rng.normal(0, 1, 100)
                                                               * 0.6 * (d["ph"] - 4.4)))  # spread grows with pH
    h = fit_transfer_function(het, crop="rice", terms=["log10(soil)", "ph"])
    assert h.stats["breusch_pagan_p"] < 0.01 and "fit.warn_heteroscedastic" in codes(h)


@pytest.mark.parametrize("provinces,bad", [("Hunnan", "'Hunnan'"), ("Hunan|Xiangtan", "'Xiangtan'"),
                                           ("Jiangxi|Hunan/Zhuzhou", "'Hunan/Zhuzhou'")])
def test_a_province_that_is_not_one_stops_the_fit_with_its_name(provinces, bad):
    # Hunnan is a district of Shenyang, not a misspelt Hunan: a function for it would apply to no Hunan plot
    with pytest.raises(FitError, match=f"--provinces {bad}: not a province of China"):
        fit_transfer_function(simulate(n=60), crop="rice", terms=["log10(soil)", "ph"], provinces=provinces)


def test_provinces_in_english_chinese_and_with_their_suffix_fit():
    f = fit_transfer_function(simulate(n=60), crop="rice", terms=["log10(soil)", "ph"],
                              provinces="Hunan|湖南省|Guangxi Zhuang")
    assert f.function_row().loc[0, "provinces"] == "Hunan|湖南省|Guangxi Zhuang"


def test_refitting_the_same_function_id_into_a_folder_says_it_replaces_it(tmp_path):

    d = simulate(n=60)
    first = fit_transfer_function(d, crop="rice", terms=["log10(soil)", "ph"], function_id="user_a")
    assert folder_warnings(first, tmp_path) == []
    write_fit(first, tmp_path)
    again = fit_transfer_function(d.iloc[:50], crop="rice", terms=["log10(soil)", "ph"], function_id="user_a")
    texts = [m.encode() for m in folder_warnings(again, tmp_path)]
    assert len(texts) == 1 and "fit.warn_folder_replaced" in texts[0]
    write_fit(again, tmp_path)
    rows = pd.read_csv(tmp_path / "transfer_functions.csv")
    assert rows["function_id"].tolist().count("user_a") == 1 and int(rows.loc[0, "n"]) == 50


def test_a_header_only_read_under_another_name_is_a_note_not_a_warning():
    v = fit_transfer_function(chinese(simulate(n=60)), crop="rice", terms=["log10(soil)", "ph"]).validation
    p = v.problems.set_index("column")["severity"]
    assert p["ph"] == "note" and p["pair_id"] == "note"         # 'pH', '样品编号': read as they are
    assert p["soil_cd_mg_kg"] == "warning"                      # '土壤镉' without a unit: mg/kg assumed
    assert len(v.warnings) == 3
