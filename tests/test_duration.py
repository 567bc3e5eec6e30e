"""Duration models: hand-computed cases, the SUMATECS table and properties."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from plotdata import make_plots
from hypothesis import given, settings
from hypothesis import strategies as st

from agriremed.stages import biomass, duration, options, soil, uptake

SUMATECS = pd.read_csv(Path(__file__).parent / "validation" / "sumatecs_cleanup.csv")


@pytest.mark.parametrize("row", SUMATECS.to_dict("records"), ids=SUMATECS["case"].tolist())
def test_sumatecs_table_reproduced_by_zero_order_model(row):
    mass = soil.soil_mass_t_ha(row["depth_m"], row["bulk_density_g_cm3"])
    if np.isnan(row["shoot_mg_kg"]):   # range rows: published removal per year
        years = duration.years_zero_order(row["c0_mg_kg"], row["ct_mg_kg"], mass, 1.0, row["removal_g_ha_yr"])
    else:
        years = duration.years_zero_order(row["c0_mg_kg"], row["ct_mg_kg"], mass, row["biomass_t_ha"],
                                          row["shoot_mg_kg"])
    published = row["published_years"]
    # 5 % of the published value, or the 0.5 yr rounding of the printed whole number of years
    assert abs(float(years) - published) <= max(row["tolerance_rel"] * published, 0.5)


def test_zero_order_hand_computed():
    # 3 mg/kg excess × 3750 t/ha = 11 250 g/ha; 539 g/ha/yr → 20.87 yr
    assert duration.years_zero_order(5, 2, 3750, 2.1, 257) == pytest.approx(11250 / (2.1 * 257))
    assert duration.years_zero_order(1, 2, 3750, 2.1, 257) == 0.0
    assert np.isinf(duration.years_zero_order(5, 2, 3750, 0.0, 257))


def test_first_order_hand_computed():
    f = duration.bcf_fraction(3.0, 100.0, 2600.0)
    assert f == pytest.approx(300 / 2600)
    assert duration.years_first_order(1.0, 0.5, f) == pytest.approx(np.log(0.5) / np.log(1 - 300 / 2600))
    assert duration.years_first_order(1.0, 0.5, 1.0) == 1.0
    assert np.isinf(duration.years_first_order(1.0, 0.5, 0.0))
    assert duration.bcf_fraction(10, 1e6, 100) == 1.0       # never more than the soil holds


def test_concentration_after():
    assert duration.concentration_after(1.0, 2, "first_order", fraction=0.5) == pytest.approx(0.25)
    assert duration.concentration_after(1.0, 20, "zero_order", removal_mg_kg_yr=0.1) == 0.0


@settings(max_examples=200, deadline=None)
@given(c0=st.floats(0.31, 50), y=st.floats(0.1, 30), bcf=st.floats(0.01, 500), mass=st.floats(500, 8000),
       k=st.floats(1.01, 10))
def test_more_biomass_or_bcf_never_lengthens_clean_up(c0, y, bcf, mass, k):
    ct = 0.3
    base = duration.years_first_order(c0, ct, duration.bcf_fraction(y, bcf, mass))
    assert duration.years_first_order(c0, ct, duration.bcf_fraction(y * k, bcf, mass)) <= base + 1e-9
    assert duration.years_first_order(c0, ct, duration.bcf_fraction(y, bcf * k, mass)) <= base + 1e-9
    z = duration.years_zero_order(c0, ct, mass, y, bcf * c0)
    assert duration.years_zero_order(c0, ct, mass, y * k, bcf * c0) <= z + 1e-9


@settings(max_examples=200, deadline=None)
@given(c0=st.floats(0.01, 100), years=st.floats(0, 200), f=st.floats(0, 1), r=st.floats(0, 50))
def test_removal_never_exceeds_what_the_soil_holds(c0, years, f, r):
    assert 0.0 <= duration.concentration_after(c0, years, "first_order", fraction=f) <= c0
    assert 0.0 <= duration.concentration_after(c0, years, "zero_order", removal_mg_kg_yr=r) <= c0


def _setup(tables, plots):
    s = soil.screen(plots, tables)
    cls = soil.plot_classes(s, plots["plot_id"])
    risk = uptake.food_safety(uptake.predict_crop_concentration(plots, tables=tables), "GB2762", tables)
    # rule set none: these tests check the library's mechanics, not the jurisdiction rules
    return s, options.evaluate_options(plots, cls, tables, crop_risk=risk, rule_set="none")


def _duration(tables, plots, s, rows, n_draws=0, seed=0):
    bio, draws = biomass.harvested_biomass(rows, tables, n_draws, seed)
    return duration.estimate_duration(rows, plots, s, bio, tables, n_draws, seed, biomass_draws=draws)


def test_estimate_duration_sedum_hand_computed(tables, plots_factory):
    # declining-BCF model: dC/dt = −a C^b, a = Y · C_ref,s · C_ref^−b / M
    p = plots_factory(1, ph=5.0, cd_mg_kg=0.9, depth_m=0.2, bulk_density_g_cm3=1.2)
    s, rows = _setup(tables, p)
    by_metal, overall = _duration(tables, p, s, rows)
    r = by_metal.set_index("option_id").loc["sedum_plumbizincicola"]
    a = 3.26 * 109.3 * 1.244 ** -0.614 / 2400.0
    assert r["years_to_target"] == pytest.approx((0.9 ** 0.386 - 0.3 ** 0.386) / (0.386 * a))
    shoot = 109.3 * (0.9 / 1.244) ** 0.614
    assert r["shoot_mg_kg"] == pytest.approx(shoot)
    assert r["removal_g_ha_yr"] == pytest.approx(3.26 * shoot)
    assert r["removed_g_ha"] == pytest.approx((0.9 - 0.3) * 2400)      # target reached within 20 yr
    o = overall.set_index("option_id")
    assert np.isinf(o.loc["biochar_amendment", "years_to_target"])    # amendments remove nothing
    assert o.loc["do_nothing", "years_to_target"] == np.inf
    assert np.isinf(o.loc["poplar_src", "years_to_target"])           # uptake not confirmed: no removal


def test_estimate_duration_first_order_and_removal_rate_hand_computed(tables, plots_factory):
    p = plots_factory(1, land_use="upland", crop="wheat", ph=5.5, cd_mg_kg=0.9, depth_m=0.2,
                      bulk_density_g_cm3=1.2, region="")
    s, rows = _setup(tables, p)                                        # upland pH 5.5: screening 0.3
    by_metal = _duration(tables, p, s, rows)[0].set_index(["option_id", "metal"])
    f = 1.62 * 27.3 / 2400.0                                           # Noccaea: Y × BCF / M
    assert by_metal.loc[("noccaea_caerulescens", "cd"), "years_to_target"] == pytest.approx(
        np.log(0.3 / 0.9) / np.log(1 - f))
    assert by_metal.loc[("sedum_alfredii", "cd"), "years_to_target"] == pytest.approx(0.6 * 2400 / 148)
    # tobacco: 7.67 % of soil Cd a season, capped at the shoot cap 13.14 mg/kg × 3.18 t/ha (pH 5.5 < 6)
    f_tob = min(0.0767, 3.18 * 13.14 / (0.9 * 2400.0))
    assert by_metal.loc[("tobacco", "cd"), "years_to_target"] == pytest.approx(
        np.log(0.3 / 0.9) / np.log(1 - f_tob))
    assert by_metal.loc[("miscanthus", "cd"), "years_to_target"] == pytest.approx(0.6 * 2400 / (9.9 * 0.55))


def test_zero_order_with_other_losses_hand_computed():
    d, q = 2.1 * 257 / 3750, 0.95                      # yearly drop by harvest; 5 % lost otherwise
    star = -d * q / (1 - q)
    n = np.log((2 - star) / (5 - star)) / np.log(q)
    assert duration.years_zero_order(5, 2, 3750, 2.1, 257, loss_frac_per_yr=0.05) == pytest.approx(n)
    c = 5.0
    for _ in range(int(n)):                           # year by year: C → (C − Δ)(1 − L)
        c = (c - d) * q
    assert c > 2 > (c - d) * q
    assert duration.concentration_after(5, n, "zero_order", removal_mg_kg_yr=d, loss_frac_per_yr=0.05) == \
        pytest.approx(2.0)


def test_first_order_with_seasons_harvest_loss_and_other_losses_hand_computed():
    f_season = 3 * 0.9 * 100 / (2 * 2600)             # 10 % of the shoot left in the field, 2 harvests
    f = duration.bcf_fraction(3, 100, 2600, harvest_loss_frac=0.1, seasons_per_yr=2)
    assert f == pytest.approx(1 - (1 - f_season) ** 2)
    n = duration.years_first_order(1.0, 0.5, f, loss_frac_per_yr=0.02)
    assert n == pytest.approx(np.log(0.5) / np.log((1 - f) * 0.98))
    assert duration.concentration_after(1.0, n, "first_order", fraction=f, loss_frac_per_yr=0.02) == \
        pytest.approx(0.5)


def test_declining_bcf_closed_form_matches_numerical_integration():
    from scipy.integrate import solve_ivp

    c0, ct, M, Y, sref, cref, b, L = 2.5, 0.4, 3000.0, 4.0, 120.0, 1.2, 0.6, 0.03
    a = Y * sref * cref ** -b / M
    lam = -np.log(1 - L)
    t = float(duration.years_declining_bcf(c0, ct, M, Y, sref, cref, b, loss_frac_per_yr=L))
    sol = solve_ivp(lambda _, c: -a * np.maximum(c, 0) ** b - lam * c, (0, t), [c0], rtol=1e-10, atol=1e-12)
    assert sol.y[0, -1] == pytest.approx(ct, rel=1e-6)
    assert duration.concentration_after(c0, t, "declining", rate=a, exponent=b, loss_frac_per_yr=L) == \
        pytest.approx(ct)
    # without other losses: t = (C0^(1−b) − Ct^(1−b)) / ((1 − b) a)
    assert duration.years_declining_bcf(c0, ct, M, Y, sref, cref, b) == pytest.approx(
        (c0 ** (1 - b) - ct ** (1 - b)) / ((1 - b) * a))
    # between the zero-order (b = 0) and first-order (b = 1) limits
    t0 = duration.years_declining_bcf(c0, ct, M, Y, sref, cref, 0.0)
    t1 = duration.years_declining_bcf(c0, ct, M, Y, sref, cref, 1.0)
    assert t0 == pytest.approx((c0 - ct) * M / (Y * sref))
    assert t1 == pytest.approx(np.log(c0 / ct) / (Y * sref / cref / M))


def test_monte_carlo_same_seed_same_numbers_other_seed_other_draws(tables, plots_factory):
    p = plots_factory(2, ph=5.0, cd_mg_kg=[0.9, 1.4])
    s, rows = _setup(tables, p)
    a = _duration(tables, p, s, rows, 300, 7)[1]
    b = _duration(tables, p, s, rows, 300, 7)[1]
    c = _duration(tables, p, s, rows, 300, 8)[1]
    pd.testing.assert_frame_equal(a, b)
    sel = a["option_id"] == "sedum_plumbizincicola"
    assert not np.allclose(a.loc[sel, "years_p50"], c.loc[sel, "years_p50"])
    o = a.loc[sel].iloc[0]
    assert o["years_p10"] <= o["years_p50"] <= o["years_p90"]
    assert 0.0 <= o["p_target_10yr"] <= o["p_target_20yr"] <= 1.0


def test_monte_carlo_in_blocks_of_rows_gives_the_same_numbers_bit_for_bit(tables, plots_factory, monkeypatch):
    # the drawn removal work runs in blocks of rows (frames.row_blocks); any block size gives the
    # same arrays, and the drawn rates are computed once and equal removal_rates of the draws
    p = plots_factory(4, ph=[5.0, 6.5, 7.8, 5.5], cd_mg_kg=[0.9, 1.4, 0.6, 3.0])
    s, rows = _setup(tables, p)
    bio, draws = biomass.harvested_biomass(rows, tables, 50, 5)

    def run():
        r = duration.removal_inputs(rows, p, s, bio, tables, 50, 5, draws)
        by_metal, overall = duration.estimate_duration(rows, p, s, bio, tables, 50, 5, removal=r)
        traj = duration.soil_trajectories(rows, p, s, bio, tables, 50, 5, 20, draws, removal=r)
        return r, by_metal, overall, traj

    whole = run()
    monkeypatch.setattr(duration._frames, "BLOCK_CELLS", 60)  # blocks of one row (50 draws)
    assert len(duration._frames.row_blocks(len(whole[0]["c0"]), 50)) == len(whole[0]["c0"]) > 4
    blocks = run()
    for a, b in zip(whole[1:], blocks[1:], strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    r = blocks[0]
    # seasons a year have no uncertainty: the same in every draw, a read-only view of one column
    assert r["drw"]["s"].strides[1] == 0 and not r["drw"]["s"].flags.writeable
    ref = duration.removal_rates(r["drw"], r["mass"][:, None], r["model"][:, None])
    assert set(r["drw_rates"]) == set(ref)
    for k in ref:
        np.testing.assert_array_equal(r["drw_rates"][k], ref[k])
        np.testing.assert_array_equal(whole[0]["drw_rates"][k], ref[k])


def test_draws_do_not_depend_on_which_plots_are_planned(tables, plots_factory):
    p = plots_factory(3, ph=5.0, cd_mg_kg=[0.9, 1.4, 0.6])
    s, rows = _setup(tables, p)
    full = _duration(tables, p, s, rows, 200, 3)[1]
    one = p.iloc[[1]].reset_index(drop=True)
    s1, rows1 = _setup(tables, one)
    part = _duration(tables, one, s1, rows1, 200, 3)[1]
    a = full.loc[full["plot_id"] == "P2"].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, part.reset_index(drop=True))


def test_compliance_outcome_more_biochar_never_raises_uptake(tables, plots_factory):
    p = plots_factory(1, land_use="upland", crop="wheat", ph=6.0, cd_mg_kg=0.5, region="")
    s, rows = _setup(tables, p)
    preds = {"current": uptake.predict_crop_concentration(p, tables=tables)}
    probs = []
    for rate in (0, 5, 10, 20, 40, 80):
        out = duration.crop_compliance_outcome(rows, preds, p, "GB2762", tables, rate_t_ha=rate)
        probs.append(out.set_index("option_id").loc["biochar_amendment", "crop_compliance_prob"])
    assert all(b >= a - 1e-12 for a, b in zip(probs, probs[1:]))
    assert probs[-1] > probs[0]


# ------------------------------------------------------------- stage-level properties
_SCALED = ("bcf", "shoot_conc_mg_kg", "shoot_ref_mg_kg", "removal_g_ha_yr", "removal_frac_per_yr")


def _scale_uptake(tables, k):
    """Tables with every uptake parameter × k (fractions capped at 1)."""
    op = tables.option_parameters.copy()
    m = op["parameter"].isin(_SCALED)
    op.loc[m, ["low", "typical", "high"]] = op.loc[m, ["low", "typical", "high"]] * k
    frac = op["parameter"] == "removal_frac_per_yr"
    op.loc[frac, ["low", "typical", "high"]] = op.loc[frac, ["low", "typical", "high"]].clip(upper=1.0)
    return tables.replace(option_parameters=op)


_plot_strategy = dict(c0=st.floats(0.35, 12), ph=st.floats(4.5, 7.4), depth=st.floats(0.1, 0.4),
                      bd=st.floats(1.0, 1.6), land=st.sampled_from(["paddy", "upland", "marginal"]),
                      k=st.floats(1.0, 5.0), loss=st.sampled_from([0.0, 0.02]))


def _random_plot(c0, ph, depth, bd, land):
    crop = {"paddy": "rice", "upland": "wheat", "marginal": "none"}[land]
    return make_plots(1, land_use=land, crop=crop, ph=ph, cd_mg_kg=c0, depth_m=depth,
                         bulk_density_g_cm3=bd, region="")


def _le(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = ~np.isnan(a) & ~np.isnan(b)
    return np.all((a[ok] <= b[ok] * (1 + 1e-9) + 1e-9) | np.isinf(b[ok]))


@settings(max_examples=15, deadline=None)
@given(**_plot_strategy)
def test_stage_more_biomass_or_uptake_never_lengthens_clean_up(tables, c0, ph, depth, bd, land, k, loss):
    p = _random_plot(c0, ph, depth, bd, land)
    s, rows = _setup(tables, p)
    bio, draws = biomass.harvested_biomass(rows, tables, 30, 1)
    args = dict(n_draws=30, seed=1, other_loss_frac_per_yr=loss)
    base = duration.estimate_duration(rows, p, s, bio, tables, biomass_draws=draws, **args)[0]
    bio_k = bio.assign(biomass_t_dm_ha_yr=bio["biomass_t_dm_ha_yr"] * k)
    more_bio = duration.estimate_duration(rows, p, s, bio_k, tables, biomass_draws=draws * k, **args)[0]
    t2 = _scale_uptake(tables, k)
    more_bcf = duration.estimate_duration(rows, p, s, bio, t2, biomass_draws=draws, **args)[0]
    for other in (more_bio, more_bcf):
        for c in ("years_to_target", "years_p10", "years_p50", "years_p90"):
            assert _le(other[c], base[c]), c
        assert (other["p_target_20yr"] >= base["p_target_20yr"] - 1e-12).all()


@settings(max_examples=15, deadline=None)
@given(**_plot_strategy)
def test_stage_removal_never_exceeds_the_soil(tables, c0, ph, depth, bd, land, k, loss):
    p = _random_plot(c0, ph, depth, bd, land)
    s, rows = _setup(tables, p)
    t2 = _scale_uptake(tables, k * 50)                 # absurdly strong uptake
    bio, draws = biomass.harvested_biomass(rows, t2, 30, 2)
    by_metal = duration.estimate_duration(rows, p, s, bio, t2, 30, 2, biomass_draws=draws,
                                          other_loss_frac_per_yr=loss)[0]
    mass = soil.soil_mass_t_ha(depth, bd)
    assert (by_metal["removed_g_ha"] <= by_metal["needed_g_ha"] + 1e-6).all()
    assert (by_metal["needed_g_ha"] <= c0 * mass + 1e-6).all()
    assert (by_metal["fraction_per_yr"].dropna() <= 1.0 + 1e-12).all()
    tr = duration.soil_trajectories(rows, p, s, bio, t2, 30, 2, 30, draws, other_loss_frac_per_yr=loss)
    for c in ("conc_mg_kg", "conc_p10_mg_kg", "conc_p50_mg_kg", "conc_p90_mg_kg"):
        assert ((tr[c] >= 0) & (tr[c] <= c0 + 1e-12)).all()
        assert (tr.groupby(["option_id", "metal"])[c].diff().dropna() <= 1e-12).all()   # never rises


@settings(max_examples=30, deadline=None)
@given(ph=st.floats(4.5, 8.0), c0=st.floats(0.1, 3.0), crop=st.sampled_from(["rice", "wheat"]),
       r1=st.floats(0, 60), dr=st.floats(0, 60), draws=st.sampled_from([0, 40]))
def test_stage_more_biochar_never_raises_predicted_uptake(tables, ph, c0, crop, r1, dr, draws):
    land = "paddy" if crop == "rice" else "upland"
    p = make_plots(1, land_use=land, crop=crop, ph=ph, cd_mg_kg=c0, region="")
    s, rows = _setup(tables, p)
    preds = {"current": uptake.predict_crop_concentration(p, tables=tables)}

    def prob(rate):
        out = duration.crop_compliance_outcome(rows, preds, p, "GB2762", tables, draws, 3, rate_t_ha=rate)
        return out.set_index("option_id").loc["biochar_amendment", "crop_compliance_prob"]

    assert np.isnan(prob(r1)) or prob(r1 + dr) >= prob(r1) - 1e-12
    assert options.biochar_reduction(r1 + dr, 0.564, 0.066) >= options.biochar_reduction(r1, 0.564, 0.066)


def test_trajectories_same_seed_same_numbers_other_seed_other_draws(tables, plots_factory):
    p = plots_factory(2, ph=5.0, cd_mg_kg=[0.9, 1.4])
    s, rows = _setup(tables, p)

    def run(seed):
        bio, draws = biomass.harvested_biomass(rows, tables, 200, seed)
        return duration.soil_trajectories(rows, p, s, bio, tables, 200, seed, 20, draws)

    a, b, c = run(7), run(7), run(8)
    pd.testing.assert_frame_equal(a, b)
    sel = (a["option_id"] == "sedum_plumbizincicola") & (a["year"] == 5)
    assert not np.allclose(a.loc[sel, "conc_p50_mg_kg"], c.loc[sel, "conc_p50_mg_kg"])
    assert (a["conc_p10_mg_kg"] <= a["conc_p50_mg_kg"] + 1e-12).all()
    assert (a["conc_p50_mg_kg"] <= a["conc_p90_mg_kg"] + 1e-12).all()
    # year 0 is the measured soil; the typical path reaches the target in years_to_target
    y0 = a.loc[a["year"] == 0].set_index(["plot_id", "option_id"])["conc_mg_kg"]
    assert np.allclose(y0.xs("sedum_plumbizincicola", level=1).to_numpy(), [0.9, 1.4])


def test_typical_trajectory_meets_the_target_at_years_to_target(tables, plots_factory):
    p = plots_factory(1, ph=5.0, cd_mg_kg=1.4)
    s, rows = _setup(tables, p)
    bio, _ = biomass.harvested_biomass(rows, tables)
    by_metal = duration.estimate_duration(rows, p, s, bio, tables)[0].set_index("option_id")
    tr = duration.soil_trajectories(rows, p, s, bio, tables, years=200)
    for oid in ("sedum_plumbizincicola", "tobacco", "sorghum"):
        t = by_metal.loc[oid, "years_to_target"]
        g = tr.loc[tr["option_id"] == oid].set_index("year")["conc_mg_kg"]
        assert g.loc[int(np.floor(t))] >= 0.3 - 1e-9 and g.loc[int(np.ceil(t))] <= 0.3 + 1e-9


def test_food_limit_target_inverts_the_uptake_function(tables, plots_factory):
    p = plots_factory(2, land_use=["paddy", "upland"], crop=["rice", "wheat"], ph=[6.0, 7.0],
                      cd_mg_kg=[0.5, 0.4], region="")
    s = soil.screen(p, tables)
    safe = duration.safe_soil_concentration(p, "cd", tables=tables)
    # rice synthesis at pH 6, limit 0.2: 10^((log 0.2 − 0.4519 + 0.22975·6)/0.4305)
    rice50 = 10 ** ((np.log10(0.2) - 0.4519 + 0.22975 * 6.0) / 0.4305)
    # UK wheat at pH 7, limit 0.1: 10^((log 0.1 − 0.282 + 0.1834·7)/0.44)
    wheat50 = 10 ** ((np.log10(0.1) - 0.282 + 0.1834 * 7.0) / 0.44)
    assert safe[0] == pytest.approx(rice50, rel=1e-6)
    assert safe[1] == pytest.approx(wheat50, rel=1e-6)
    # at the safe concentration the median prediction sits on the limit
    scaled = p.assign(cd_mg_kg=safe)
    chk = uptake.food_safety(uptake.predict_crop_concentration(scaled, tables=tables), "GB2762", tables)
    assert np.allclose(chk["p_exceed_limit"], 0.5, atol=1e-6)
    # asking for 95 % compliance gives a lower (stricter) soil concentration
    assert (duration.safe_soil_concentration(p, "cd", tables=tables, compliance_prob=0.95) < safe).all()
    t_food = duration.target_concentrations(p, s, tables, "food_limit").set_index(["plot_id", "metal"])
    t_strict = duration.target_concentrations(p, s, tables, "strictest").set_index(["plot_id", "metal"])
    scr = s.set_index(["plot_id", "metal"])["screening_mg_kg"]
    assert t_food.loc[("P1", "cd"), "target_mg_kg"] == pytest.approx(safe[0])
    assert t_food.loc[("P1", "cd"), "target_basis"] == "food_limit"
    assert (t_strict["target_mg_kg"] <= scr.reindex(t_strict.index) + 1e-12).all()
    assert t_strict.loc[("P2", "cd"), "target_basis"] == "screening"  # 1.01 > screening 0.3


def test_food_limit_target_changes_the_clean_up_time(tables, plots_factory):
    p = plots_factory(1, ph=4.8, cd_mg_kg=0.9, region="Hunan")       # paddy pH 4.8: screening 0.3
    s, rows = _setup(tables, p)
    bio, _ = biomass.harvested_biomass(rows, tables)
    tg = duration.target_concentrations(p, s, tables, "food_limit")
    a = duration.estimate_duration(rows, p, s, bio, tables)[1].set_index("option_id")
    b = duration.estimate_duration(rows, p, s, bio, tables, targets=tg)[1].set_index("option_id")
    # the Hunan rice synthesis at pH 4.8 reaches the 0.2 limit at 10^((log 0.2 − 0.6753 + 0.22975·4.8)/0.4305)
    food = 10 ** ((np.log10(0.2) - 0.6753 + 0.22975 * 4.8) / 0.4305)
    assert food < 0.3
    assert b.loc["sedum_plumbizincicola", "target_mg_kg"] == pytest.approx(food, rel=1e-6)
    assert b.loc["sedum_plumbizincicola", "target_basis"] == "food_limit"
    sedum = "sedum_plumbizincicola"
    assert b.loc[sedum, "years_to_target"] > a.loc[sedum, "years_to_target"]


def test_compliance_by_year_schedule(tables, plots_factory):
    p = plots_factory(1, ph=5.0, cd_mg_kg=0.9)
    s, rows = _setup(tables, p)
    bio, _ = biomass.harvested_biomass(rows, tables)
    by_metal, overall = duration.estimate_duration(rows, p, s, bio, tables)
    tr = duration.soil_trajectories(rows, p, s, bio, tables, years=20)
    preds = {"current": uptake.predict_crop_concentration(p, tables=tables)}
    comp = duration.crop_compliance_outcome(rows, preds, p, "GB2762", tables)
    sched, per = duration.compliance_by_year(rows, p, comp, overall, by_metal, tr, "GB2762", tables, 20)
    sched = sched.set_index(["option_id", "year"])
    T = overall.set_index("option_id").loc["sedum_plumbizincicola", "years_to_target"]
    sedum = sched.loc["sedum_plumbizincicola"]
    assert (sedum.loc[sedum.index <= np.ceil(T), "food_crop"] == "none").all()
    assert sedum.loc[sedum.index <= np.ceil(T), "option_active"].all()
    back = sedum.loc[sedum.index > np.ceil(T)]
    assert len(back) and (back["food_crop"] == "rice").all() and not back["option_active"].any()
    # the returning rice grows on soil at the target: it is safer than on today's soil
    base = sched.loc["do_nothing", "crop_compliance_prob"]
    assert (back["crop_compliance_prob"] > base.iloc[0]).all()
    assert np.allclose(base, comp.set_index("option_id").loc["do_nothing", "crop_compliance_prob"])
    # a rotation grows rice every year on a falling soil: compliance never falls
    rot = sched.loc["sedum_rice_rotation"]
    assert (rot["food_crop"] == "rice").all()
    assert (np.diff(rot["crop_compliance_prob"].to_numpy()) >= -1e-12).all()
    assert rot["crop_compliance_prob"].iloc[-1] > rot["crop_compliance_prob"].iloc[0]
    per = per.set_index("option_id")
    assert per.loc["do_nothing", "compliant_season_fraction"] == pytest.approx(base.mean())
    assert np.isnan(per.loc["fallow", "compliant_season_fraction"]) and per.loc["fallow", "food_seasons"] == 0
    # amendments report how long one application works
    assert comp.set_index("option_id").loc["lime_low_cd_rice", "effect_duration_yr"] == 2.0


# ------------------------------------------ biochar feedstock, sorghum, seasons, losses
def _biochar_tables(tables, feedstock):
    """Tables whose biochar option uses ``feedstock`` (unknown names fall back to the pooled default)."""
    lib = tables.options.copy()
    lib.loc[lib["option_id"] == "biochar_amendment", "biochar_feedstock"] = feedstock
    return tables.replace(options=lib)


@pytest.mark.parametrize("feedstock,efficacy", [("wood", 0.655), ("rice_straw", 0.341), ("herbaceous", 1.0),
                                                ("kitchen_waste", 1.0)])
def test_feedstock_scales_the_cd_dose_response_hand_computed(tables, feedstock, efficacy):
    t = _biochar_tables(tables, feedstock)
    typ, _ = duration._reduction_typical_and_draws(t, "biochar_amendment", "cd", 0, 0)
    assert typ == pytest.approx(efficacy * 0.564 * (1 - np.exp(-0.066 * 20)), rel=1e-12)
    typ40, _ = duration._reduction_typical_and_draws(t, "biochar_amendment", "cd", 0, 0, rate_t_ha=40)
    assert typ40 == pytest.approx(efficacy * 0.564 * (1 - np.exp(-0.066 * 40)), rel=1e-12)
    _, draws = duration._reduction_typical_and_draws(t, "biochar_amendment", "cd", 200, 5)
    lo = 0.62 * 0.564 * (1 - np.exp(-1.32)) * (0.298 if feedstock != "wood" else 0.573)
    assert draws.min() >= lo - 1e-12 and draws.max() <= 0.95
    # no As reduction is ever credited
    assert duration._reduction_typical_and_draws(t, "biochar_amendment", "as", 0, 0)[0] == 0.0


@settings(max_examples=25, deadline=None)
@given(ph=st.floats(4.5, 8.0), c0=st.floats(0.1, 3.0), r1=st.floats(0, 60), dr=st.floats(0, 60),
       feedstock=st.sampled_from(["wood", "rice_straw", "manure", "biosolids", "kitchen_waste"]),
       draws=st.sampled_from([0, 40]))
def test_more_biochar_never_raises_predicted_uptake_for_any_feedstock(tables, ph, c0, r1, dr, feedstock,
                                                                      draws):
    t = _biochar_tables(tables, feedstock)
    p = make_plots(1, land_use="paddy", crop="rice", ph=ph, cd_mg_kg=c0, region="")
    s, rows = _setup(t, p)
    preds = {"current": uptake.predict_crop_concentration(p, tables=t)}

    def prob(rate):
        out = duration.crop_compliance_outcome(rows, preds, p, "GB2762", t, draws, 3, rate_t_ha=rate)
        return out.set_index("option_id").loc["biochar_amendment", "crop_compliance_prob"]

    assert np.isnan(prob(r1)) or prob(r1 + dr) >= prob(r1) - 1e-12


def test_sorghum_removal_scales_with_soil_cd_hand_computed(tables, plots_factory):
    # removal R · C/C_ref with R = 53.9 g/ha/yr at C_ref = 0.49 mg/kg: first order, f = R / (C_ref · M)
    p = plots_factory(2, ph=5.0, cd_mg_kg=[0.49, 0.8], depth_m=0.2, bulk_density_g_cm3=1.2)
    s, rows = _setup(tables, p)
    by_metal, _ = _duration(tables, p, s, rows)
    r = by_metal.loc[by_metal["option_id"] == "sorghum"].set_index("plot_id")
    f = 53.9 / (0.49 * 2400.0)
    assert r.loc["P1", "removal_g_ha_yr"] == pytest.approx(53.9)
    assert r.loc["P2", "removal_g_ha_yr"] == pytest.approx(53.9 * 0.8 / 0.49)
    assert r.loc["P2", "fraction_per_yr"] == pytest.approx(f)
    assert r.loc["P2", "years_to_target"] == pytest.approx(np.log(0.3 / 0.8) / np.log(1 - f))


def _sorghum_row(tables, plots_factory, ph, cd, **kw):
    p = plots_factory(1, ph=ph, cd_mg_kg=cd, depth_m=0.2, bulk_density_g_cm3=1.2, **kw)
    s, rows = _setup(tables, p)
    by_metal, _ = _duration(tables, p, s, rows)
    return by_metal.loc[by_metal["option_id"] == "sorghum"].iloc[0]


def test_sorghum_shoot_cd_is_capped_at_its_source_maximum(tables, plots_factory):
    # at 2 mg/kg the soil-proportional removal (220 g/ha) would mean a stalk Cd above the
    # 9.16 mg/kg measured at most in the field trial: removal = yield × 9.16
    r = _sorghum_row(tables, plots_factory, 5.0, 2.0)
    assert r["shoot_mg_kg"] == pytest.approx(9.16)
    y = r["removal_g_ha_yr"] / 9.16
    assert 53.9 * 2.0 / 0.49 > y * 9.16
    assert r["removal_g_ha_yr"] == pytest.approx(y * 9.16)


def test_removal_crops_take_up_less_on_calcareous_soil(tables, plots_factory):
    # above pH 6 shoot Cd (and the cap) fall by 10^(−0.21 · (pH − 6)): × 0.380 at pH 8
    up = {"land_use": "upland", "crop": "wheat"}  # upland screening value 0.6 mg/kg above pH 7.5
    acid = _sorghum_row(tables, plots_factory, 6.0, 0.7, **up)
    calc = _sorghum_row(tables, plots_factory, 8.0, 0.7, **up)
    assert acid["removal_g_ha_yr"] == pytest.approx(53.9 * 0.7 / 0.49)
    # above pH 7.5 the stalk/soil ratio is also at most 1.7 (calcareous-soil bound, transferred from
    # willow at Dornach): yield × 1.7 × 0.7 = 21.05 g/ha/yr binds below the pH-scaled 29.27
    assert 53.9 * 0.7 / 0.49 * 10 ** (-0.42) == pytest.approx(29.27, abs=0.01)
    assert calc["shoot_mg_kg"] == pytest.approx(1.7 * 0.7)
    assert calc["removal_g_ha_yr"] == pytest.approx(21.05, abs=0.01)
    hot = _sorghum_row(tables, plots_factory, 8.0, 5.0, **up)
    assert hot["shoot_mg_kg"] == pytest.approx(9.16 * 10 ** (-0.42))
    # never more removal than on the acid soil of the trials
    more_acid = _sorghum_row(tables, plots_factory, 4.5, 0.7, **up)
    assert more_acid["removal_g_ha_yr"] == pytest.approx(acid["removal_g_ha_yr"])


def test_seasons_and_harvest_losses_are_explicit_rows(tables):
    p = tables.option_parameters
    lib = tables.options.set_index("option_id")
    uses_seasons = lib.index[lib["removal_model"].isin(["bcf", "fraction"]) & (lib["status"] != "data_gap")]
    uses_loss = lib.index[lib["removal_model"].isin(["bcf", "shoot_conc", "declining_bcf"])
                          & (lib["status"] != "data_gap")]
    for name, opts in (("seasons_per_yr", uses_seasons), ("harvest_loss_frac", uses_loss)):
        rows = p.loc[p["parameter"] == name].set_index("option_id")
        assert set(opts) <= set(rows.index), (name, set(opts) - set(rows.index))
        for oid, r in rows.iterrows():   # an assumption says so in its note
            if r["source"].startswith("agriremed_assumption"):
                assert "assumed" in r["note"] or "not from a source" in r["note"], (name, oid)
    sedum = p.loc[(p["option_id"] == "sedum_plumbizincicola") & (p["parameter"] == "seasons_per_yr")].iloc[0]
    assert sedum["source"].startswith("sedum_paddy2018") and sedum["typical"] == 1


def test_harvest_loss_override_lowers_the_bcf_removal_hand_computed(tables, plots_factory):
    from agriremed.engine.plan import apply_overrides

    t = apply_overrides(tables, {"noccaea_caerulescens.harvest_loss_frac": 0.2,
                                 "noccaea_caerulescens.seasons_per_yr": 2})
    p = plots_factory(1, land_use="upland", crop="maize", ph=6.0, cd_mg_kg=0.9, depth_m=0.2,
                      bulk_density_g_cm3=1.2)
    s, rows = _setup(t, p)
    by_metal, _ = _duration(t, p, s, rows)
    r = by_metal.loc[(by_metal["option_id"] == "noccaea_caerulescens") & (by_metal["metal"] == "cd")].iloc[0]
    y = 1.62 * (1 - 0.2)
    f_season = y * 27.3 / (2 * 2400.0)
    assert r["fraction_per_yr"] == pytest.approx(1 - (1 - f_season) ** 2)


#: Grain compliance that Hunan safe-utilisation programmes report for VIP(+n) on lightly polluted
#: acid paddies: programme targets of 70, 80 and 90 % of the grain compliant, 100 % reported by
#: third-party checks (vip_vendor_changsha), a national safe-utilisation rate of about 90 % in 2020
#: (mee2022_safe_use); VIP alone was compliant only on slightly and lightly polluted soils
#: (hunan_vip2018).
HUNAN_VIP_COMPLIANCE = (0.70, 1.00)


def test_vip_n_compliance_on_light_hunan_paddies_is_in_the_range_programmes_report():
    import agriremed

    ph = [5.0, 5.0, 5.0, 5.5, 5.5, 5.5, 6.0, 6.0, 6.0]
    cd = [0.45, 0.6, 0.8, 0.45, 0.6, 0.8, 0.6, 0.8, 1.0]      # 1.5–3.3 × the screening value, all safe utilisation
    plots = make_plots(len(ph), ph=ph, cd_mg_kg=cd, region="Hunan/Zhuzhou/Lukou")
    s = agriremed.Scenario(mc_draws=200, options=("lime_low_cd_rice",))
    p = agriremed.plan(plots, s)
    assert (p.soil_plot["soil_class"] == "safe_utilisation").all()
    t = p.table.set_index(["plot_id", "option_id"])["crop_compliance_prob"].unstack()
    vip, none = t["lime_low_cd_rice"], t["do_nothing"]
    lo, hi = HUNAN_VIP_COMPLIANCE
    assert vip.between(lo, hi).all(), vip.round(2).to_dict()
    assert (vip - none).min() > 0.25                     # the package, not the soil, makes the grain comply
    assert none.max() < lo                               # without it these paddies fail the programme test


@pytest.mark.xfail(strict=True, reason=(
    "known gap between evidence classes: single measures and packages are both credited with plot-trial "
    "effects (lime alone −73 %, the VIP+n package −81 % typical), while the Hunan demonstrations cut grain Cd "
    "by 22–47 % and were not compliant on moderately or heavily polluted soils; on the plot-trial basis lime "
    "alone already reaches 0.70 at Cd 1.45 (pH 5.0) and the package 0.85 (docs/architecture.md). No programme "
    "realisation factor is applied: no source other than the check itself was found that quantifies how much of a "
    "plot-trial effect farms or Chinese safe-utilisation programmes realise. Searched: 长株潭 VIP+n pilot reports "
    "and reviews; the Changsha County vendor record (100 % compliance); large-area demonstrations (大面积示范) of "
    "lime or VIP+n in Hunan, Jiangxi, Guangxi, Guangdong, Hubei (only plot trials found); safe-utilisation rates "
    "by pollution level from other provinces (only targets, e.g. a county's ≥ 95 % co-monitoring target); field- "
    "against plot-scale comparisons (none; meta-analyses pool trials: lime −48 %, liao2021_liming; amendments "
    "−33 %, ge2023_amendments; multi-site limestone −45 to −62 %, Fang et al. 2021, Environ. Pollut.); farmer "
    "adoption and willingness surveys (Daye, 278 farmers; 553 farmers in four remediation projects: willingness, "
    "not realised effect); a study of the pilot's implementing entities from 1 320 samples (童星星 et al. 2020, "
    "中国环境管理 12(1):121–129: landing rate, timeliness, quality score; its numbers could not be read and it "
    "measures implementation, not the grain-Cd cut); reviews of Cd in Chinese soils and rice (Zhao et al. 2015, "
    "Environ. Sci. Technol.; Wang et al. 2019, Environ. Pollut.: no programme-level figures in the parts read); "
    "effect moderation by soil Cd level (a sourced scaling of the plot-trial effects by pollution class): the "
    "liming meta-analysis of Liao et al. 2021 (Plant Soil; 35 studies, grain Cd −48 %, larger with the lime rate), "
    "the amendments meta-analysis of Ge, Huang & Lu 2023 (−33.4 %) and the Si meta-analysis of Liu et al. 2024 "
    "(J. Hazard. Mater.; −30 %, soil Cd named as a moderator without numbers) were reached as abstracts only, with "
    "no subgroup by soil Cd; single trials on moderately polluted paddies keep large relative cuts (lime −51 to "
    "−90 % over 7 years); the Hunan 38-site VIP record (hunan_vip2018) is the check and "
    "cannot also calibrate it"))
def test_vip_n_on_moderate_hunan_paddies_stays_below_the_programme_targets():
    import agriremed

    # a moderately polluted acid paddy (Cd 1.45 at pH 5.0, near the intervention value 1.5) should
    # stay below the programmes' lowest target, as VIP did on moderate soils in Hunan (hunan_vip2018)
    s = agriremed.Scenario(mc_draws=200, options=("lime_low_cd_rice",))
    m = agriremed.plan(make_plots(1, ph=5.0, cd_mg_kg=1.45, region="Hunan/Zhuzhou/Lukou"), s).table
    assert m.loc[m["option_id"] == "lime_low_cd_rice", "crop_compliance_prob"].iloc[0] < HUNAN_VIP_COMPLIANCE[0]


def test_package_beats_its_strongest_component_on_a_light_hunan_paddy():
    import agriremed

    # light Cd paddy (0.6 mg/kg, pH 5.2): every draw credits the package at least its strongest
    # component, so its compliance is above that of lime, flooding or the low-Cd cultivar alone
    opts = ("lime_low_cd_rice", "vip_n_no_flood", "lime_rice", "flooded_rice", "low_cd_rice", "foliar_inhibitor")
    p = agriremed.plan(make_plots(1, ph=5.2, cd_mg_kg=0.6, region="Hunan/Zhuzhou/Lukou"),
                       agriremed.Scenario(mc_draws=200, options=opts))
    c = p.table.set_index("option_id")["crop_compliance_prob"]
    singles = c[["lime_rice", "flooded_rice", "low_cd_rice", "foliar_inhibitor"]]
    assert c["lime_low_cd_rice"] > singles.max() + 0.05
    assert c["vip_n_no_flood"] > c[["lime_rice", "low_cd_rice", "foliar_inhibitor"]].max()
    assert c["lime_low_cd_rice"] >= c["vip_n_no_flood"]
    assert c["lime_low_cd_rice"] >= HUNAN_VIP_COMPLIANCE[0] + 0.15


def test_willow_shoot_cd_is_capped_at_its_source_maximum(tables, plots_factory):
    # willow BCF 1.9 × soil Cd 20 mg/kg would be 38 mg/kg in the shoot, above the 22.2 mg/kg measured at
    # most in the six European Salix trials (SUMATECS Table 6): removal = yield × 22.2 (× 0.380 at pH 8)
    def row(ph, cd):
        p = plots_factory(1, land_use="marginal", crop="none", ph=ph, cd_mg_kg=cd, depth_m=0.2,
                          bulk_density_g_cm3=1.2)
        s, rows = _setup(tables, p)
        by_metal, _ = _duration(tables, p, s, rows)
        return by_metal.loc[by_metal["option_id"] == "willow_src"].iloc[0]

    low, high, calc = row(5.0, 5.0), row(5.0, 20.0), row(8.0, 20.0)
    assert low["shoot_mg_kg"] == pytest.approx(1.9 * 5.0)              # below the cap: BCF × soil
    assert high["shoot_mg_kg"] == pytest.approx(22.2)
    assert high["removal_g_ha_yr"] == pytest.approx(low["removal_g_ha_yr"] * 22.2 / 9.5)
    assert calc["shoot_mg_kg"] == pytest.approx(22.2 * 10 ** (-0.42))


def test_p10_and_p90_beyond_200_years_print_as_over_200_in_the_sentence():
    # issue 16: years above 200 read "> 200" — the P10–P90 bounds as well as the median
    from types import SimpleNamespace

    from agriremed.core import messages
    from agriremed.engine.assemble import _cleanup_text

    def clause(p10, p50, p90, lang):
        row = SimpleNamespace(target_metals="cd", target_basis="screening_value", years_p10=p10, years_p50=p50,
                              years_to_target=p50, years_p90=p90, years_text=f"{p50:.0f}")
        return messages.render(_cleanup_text(row), lang)

    en = clause(47.2, 191.0, 742.0, "en")
    assert "191 yr" in en and "(P10–P90 47 to > 200)" in en and "742" not in en
    assert "（P10–P90：47至> 200年）" in clause(47.2, 191.0, 742.0, "zh")
    assert "(P10–P90 127 to > 200)" in clause(127.0, 157.0, 204.0, "en")
    # a P90 that is never reached (inf) is "> 200" too, not left out
    assert "(P10–P90 60 to > 200)" in clause(60.0, 150.0, float("inf"), "en")
    # within 200 years both bounds stay numbers
    assert "(P10–P90 6–12)" in clause(5.9, 8.0, 11.6, "en")


def test_sedum_wheat_intercrop_removes_no_more_than_the_sedum_monoculture_and_has_a_spread():
    # one trial's −24.3 % soil Cd after a cycle gave 700 g/ha/yr at Cd 1.2 — twice the monoculture —
    # and "5 yr (P10–P90 5–5)"; an intercrop has fewer Sedum plants than the monoculture: capped at its removal
    import agriremed

    s = agriremed.Scenario(mc_draws=200, options=("do_nothing", "sedum_plumbizincicola", "sedum_wheat_intercrop"))
    plots = make_plots(2, plot_id=["huize", "tongling"], land_use="upland", crop=["maize", "wheat"],
                       ph=[7.2, 5.6], cd_mg_kg=[1.2, 1.2], region=["Yunnan/Qujing", "Anhui/Tongling"])
    t = agriremed.plan(plots, s).table.set_index(["plot_id", "option_id"])
    # pH 7.2 is above the pH of the Sedum field evidence (5.61): neither is credited any removal there
    for oid in ("sedum_plumbizincicola", "sedum_wheat_intercrop"):
        r = t.loc[("huize", oid)]
        assert not r["applicable"] and "above 5.61" in r["reason"]
        assert np.isnan(r["removal_g_ha_yr"]) and np.isnan(r["years_to_target"])
    for pid in ("tongling",):
        mono, inter = t.loc[(pid, "sedum_plumbizincicola")], t.loc[(pid, "sedum_wheat_intercrop")]
        assert inter["removal_g_ha_yr"] == pytest.approx(mono["removal_g_ha_yr"], rel=1e-9)
        assert inter["removal_g_ha_yr"] == pytest.approx(348.5, abs=0.5)   # 3.26 t × 106.9 mg/kg
        assert inter["years_to_target"] >= mono["years_to_target"]
        assert inter["years_p90"] - inter["years_p10"] > 3.0                # no longer "5–5"
        assert inter["years_p10"] >= mono["years_p10"] - 1e-9


def test_above_target_is_read_per_plot_with_or_without_targets():
    """A plot is above its target where a measured metal exceeds its target (no target: above), a plot
    with no screened row counts as above, an unmeasured metal does not; a (plot, metal) pair given twice
    among the targets is joined with each of its rows."""
    screened = pd.DataFrame({"plot_id": ["a", "a", "b", "c"], "metal": ["cd", "pb", "cd", "cd"],
                             "conc_mg_kg": [1.0, 50.0, 0.2, np.nan], "screening_mg_kg": [0.3, 80.0, 0.3, 0.3]})
    targets = pd.DataFrame({"plot_id": ["a", "b"], "metal": ["cd", "cd"], "target_mg_kg": [2.0, 0.1]})
    ids = np.array(["a", "b", "c", "d", "a"], dtype=object)
    assert duration._above_target(screened, targets, ids).tolist() == [True, True, False, True, True]
    assert duration._above_target(screened, None, ids).tolist() == [True, False, False, True, True]
    twice = pd.DataFrame({"plot_id": ["a", "a"], "metal": ["cd", "cd"], "target_mg_kg": [2.0, 0.5]})
    only_a = screened.iloc[:1]
    assert duration._above_target(only_a, twice, ids).tolist() == [True, True, True, True, True]
    assert duration._above_target(only_a, twice.iloc[:1], ids).tolist() == [False, True, True, True, False]
