"""Kernel modules (soil, duration, economics, biomass, energy, carbon, solar, ranking, uptake): what they import, and
the stage names that re-export them."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from importlib.util import resolve_name

import pytest

#: Kernel module → its stage module and the kernels the stage re-exports under the same name.
KERNELS = {
    "agriremed.models.soil": ("agriremed.stages.soil", ["soil_mass_t_ha", "metal_stock_kg_ha"]),
    "agriremed.models.duration": ("agriremed.stages.duration", [
        "FIRST_ORDER_MODELS", "years_zero_order", "years_first_order", "years_declining_bcf", "bcf_fraction",
        "concentration_after", "removal_ph_factor", "removal_state", "years_by_model", "concentration_by_model",
        "apply_soil_chemistry", "valid_edge", "package_reduction"]),
    "agriremed.models.economics": ("agriremed.stages.economics", [
        "payback_year", "typical_year", "block_items", "block_transfers", "versus_best"]),
    "agriremed.models.biomass": ("agriremed.stages.biomass", [
        "species_property", "species_property_draws", "establishment_fractions", "harvest_by_year"]),
    "agriremed.models.energy": ("agriremed.stages.energy", [
        "TEMPERATURE_C", "PATHWAYS", "char_yield", "conversion", "factor_draws"]),
    "agriremed.models.carbon": ("agriremed.stages.carbon", [
        "C_TO_CO2", "N2O_N_TO_N2O", "RICE_EF_REGION", "biochar_persistence", "biochar_carbon_sink", "soc_factor",
        "n2o_direct_t_co2e", "gwp_value", "rice_factor", "paddy_ch4_t_co2e", "soc_stock_change",
        "soc_change_with_return", "application_interval", "conversion_process_t_co2e"]),
    "agriremed.models.solar": ("agriremed.stages.solar", [
        "pv_parameter", "pv_energy_by_year", "GJ_PER_MWH", "pv_year_shape", "PV_DRAWN", "pv_parameter_draws",
        "pv_electricity_draws"]),
    "agriremed.models.ranking": ("agriremed.stages.ranking", [
        "LIGHTS", "linear_utility", "light_codes", "weighted_scores", "rank_in_plot"]),
    "agriremed.models.uptake": ("agriremed.stages.uptake.predict", [
        "ph_kcl_from_ph_water", "ph_water_from_ph_kcl", "term_transform", "as_sold_factor", "transfer_predictor",
        "transfer_response", "missing_term_inputs", "range_violations", "outside_validity_range"]),
}

#: The uptake stage is a package: its other modules re-export the uptake kernels they adapted.
UPTAKE_STAGES = {
    "agriremed.stages.uptake.thresholds": ["critical_median"],
    "agriremed.stages.uptake.synthesis": ["lognormal_from_mean_sd", "lognormal_from_mean_share"],
    "agriremed.stages.uptake.skill": ["exceedance_probability", "auc", "brier", "skill_metrics"],
    "agriremed.stages.uptake": ["ph_kcl_from_ph_water", "ph_water_from_ph_kcl", "critical_median"],
}

#: What a kernel module may import: numerical libraries, core helpers (the literature tables and the
#: accounting-method names are core registries too) and other kernel modules.
ALLOWED_THIRD_PARTY = {"__future__", "numpy", "scipy", "pandas"}
ALLOWED_AGRIREMED = {"agriremed.core.frames", "agriremed.core.columns", "agriremed.core.uncertainty", "agriremed.models.finance",
                     "agriremed.models.ipcc", "agriremed.core.tables", "agriremed.core.accounting", *KERNELS}


def _imports(mod) -> set[str]:
    """Absolute names of the modules a module imports (``from . import x`` gives the package's ``x``)."""
    tree = ast.parse(open(mod.__file__, encoding="utf-8").read())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_name("." * node.level + (node.module or ""), mod.__package__) if node.level \
                else node.module
            for a in node.names:  # ``from pkg import module`` names the module, ``from module import f`` the module
                out.add(f"{base}.{a.name}" if _is_module(f"{base}.{a.name}") else base)
    return out


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its parent is not a package
        return False


@pytest.mark.parametrize("kernel", sorted(KERNELS))
def test_kernel_module_imports_no_stage_module(kernel):
    mod = importlib.import_module(kernel)
    bad = [m for m in _imports(mod)
           if m.split(".")[0] not in ALLOWED_THIRD_PARTY and m not in ALLOWED_AGRIREMED]
    assert not bad, f"{kernel} imports {bad}"


@pytest.mark.parametrize("kernel", sorted(KERNELS))
def test_stage_module_re_exports_its_kernels(kernel):
    k = importlib.import_module(kernel)
    stage_name, names = KERNELS[kernel]
    stage = importlib.import_module(stage_name)
    for name in names:
        assert getattr(stage, name) is getattr(k, name), f"{stage_name}.{name} is not {kernel}.{name}"
        obj = getattr(k, name)
        if callable(obj):
            assert obj.__module__ == kernel, f"{name} is defined in {obj.__module__}, not {kernel}"


def test_moved_kernels_keep_their_numbers():
    """Hand-computed values through the stage names (the names users import)."""
    from agriremed.stages.duration import concentration_after, years_first_order
    from agriremed.stages.economics import payback_year
    from agriremed.stages.soil import metal_stock_kg_ha

    # 0.2 m × 1.3 g/cm³ = 2600 t/ha; 2 mg/kg × 2600 t/ha = 5.2 kg/ha
    assert float(metal_stock_kg_ha(2.0, 0.2, 1.3)) == pytest.approx(5.2)
    # half removed a year: 1 → 0.125 mg/kg in ln(1/8)/ln(1/2) = 3 years
    assert float(years_first_order(1.0, 0.125, 0.5)) == pytest.approx(3.0)
    assert float(concentration_after(1.0, 3, "first_order", fraction=0.5)) == pytest.approx(0.125)
    # end-of-year flows −100, 60, 60 at 10 %, cumulative discounted: −90.91, −41.32, +3.76 → year 3;
    # with 30 in year 3: −41.32 + 22.54 = −18.78 < 0 → never within the horizon
    assert float(payback_year([[-100.0, 60.0, 60.0]], 0.10)[0]) == 3.0
    assert float(payback_year([[-100.0, 60.0, 30.0]], 0.10)[0]) == float("inf")


def test_biomass_energy_carbon_solar_kernels_keep_their_numbers(tables):
    """Hand-computed values through the kernel modules alone."""
    from agriremed.models import (biomass as kernels_biomass, carbon as kernels_carbon,
                                  energy as kernels_energy, solar as kernels_solar)

    # char yield linear between 0.40 (300 °C) and 0.28 (700 °C): 0.40 − 0.12 · 200/400 at 500 °C
    assert float(kernels_energy.char_yield(500.0, tables, 0.40, 0.28)) == pytest.approx(0.34)
    # ΔSOC = 50 t C/ha · (1.0 − 0.8) · 10/20
    assert float(kernels_carbon.soc_stock_change(50.0, 0.8, 1.0, 10)) == pytest.approx(5.0)
    # 1 t rice-straw biochar, medium class: F_C 0.49 · F_perm 0.80 · 44/12
    assert float(kernels_carbon.biochar_carbon_sink(1.0, "rice_straw", "medium", tables=tables)) == \
        pytest.approx(0.49 * 0.80 * 44.0 / 12.0)
    # 0.5 %/yr degradation, 3-year life, 4-year horizon
    assert kernels_solar.pv_year_shape(4, 0.5, 3).tolist() == pytest.approx([1.0, 0.995, 0.995 ** 2, 0.0])
    # Miscanthus: not harvested in year 1, half the mature yield in year 2
    assert kernels_biomass.establishment_fractions(tables, ["miscanthus"], 3).tolist() == [[0.0, 0.5, 1.0]]


def test_ranking_kernels_keep_their_numbers():
    """Hand-computed values through the ranking kernels and the stage names."""
    import numpy as np

    from agriremed.models import ranking as kernels_ranking
    from agriremed.stages.ranking import rank_in_plot, weighted_scores

    # NPV anchors −100 000 → 0 and 0 → 1: −25 000 CNY/ha is 0.75; beyond the anchors clipped
    assert kernels_ranking.linear_utility([-25000.0, -2e5, 5e4], -1e5, 0.0).tolist() == \
        pytest.approx([0.75, 0.0, 1.0])
    assert np.isnan(kernels_ranking.linear_utility([np.nan], 0.0, 1.0)[0])
    # green from 0.9, amber from 0.5: 0.9 green, 0.5 amber, 0.49 red, NaN not assessed
    assert kernels_ranking.light_codes([0.9, 0.5, 0.49, np.nan], 0.9, 0.5).tolist() == [0, 1, 2, 3]
    # weights 0.5, 0.25, 0.25; row 1 misses the third criterion: (0.5·1 + 0.25·0.2) / 0.75 = 0.7333;
    # row 2 all assessed: 0.5·0 + 0.25·1 + 0.25·0.6 = 0.4; row 3 not applicable → NaN
    u = np.array([[1.0, 0.2, np.nan], [0.0, 1.0, 0.6], [1.0, 1.0, 1.0]])
    s = weighted_scores(u, np.array([0.5, 0.25, 0.25]), np.array([True, True, False]))
    assert s[:2].tolist() == pytest.approx([0.55 / 0.75, 0.4]) and np.isnan(s[2])
    # plot a: 0.4 (complete) beats 0.9 (partial) beats 0.8 (partial, lower score); plot b: tier 0 beats a
    # higher-scoring tier-1 option; the not-applicable row gets 0
    score = np.array([0.9, 0.4, 0.8, 0.3, 0.95, 0.99])
    ok = np.array([True, True, True, True, True, False])
    partial = np.array([True, False, True, False, False, False])
    tier = np.array([0, 0, 0, 0, 1, 0])
    plot_id = np.array(["a", "a", "a", "b", "b", "b"], dtype=object)
    assert rank_in_plot(score, ok, partial, plot_id, tier).tolist() == [2, 1, 3, 1, 2, 0]


@pytest.mark.parametrize("stage_name", sorted(UPTAKE_STAGES))
def test_uptake_stage_modules_re_export_their_kernels(stage_name):
    from agriremed.models import uptake as kernels_uptake

    stage = importlib.import_module(stage_name)
    for name in UPTAKE_STAGES[stage_name]:
        assert getattr(stage, name) is getattr(kernels_uptake, name), f"{stage_name}.{name} is not kernels_uptake.{name}"
        assert getattr(kernels_uptake, name).__module__ == "agriremed.models.uptake"


def test_uptake_kernels_keep_their_numbers():
    """Hand-computed values through the uptake kernels and the stage names."""
    import numpy as np

    from agriremed.models import uptake as k
    from agriremed.stages.uptake import critical_median
    from agriremed.stages.uptake.skill import skill_metrics

    # pH-water 6.0 → pH(H2O 1:5) 0.14 + 5.94 = 6.08 → pH-KCl 10^((6.08 + 1.95)/11.58) = 4.9367
    assert float(k.ph_kcl_from_ph_water(6.0)) == pytest.approx(10.0 ** (8.03 / 11.58))
    assert float(k.ph_water_from_ph_kcl(10.0 ** (8.03 / 11.58))) == pytest.approx(6.0)
    # log10 term: log10 100 = 2, NaN for x ≤ 0; a plain term is x itself
    assert k.term_transform(np.array([100.0, 0.0]), "log10")[0] == pytest.approx(2.0)
    assert np.isnan(k.term_transform(np.array([100.0, 0.0]), "log10")[1])
    assert k.term_transform(np.array([3.0]), "lin").tolist() == [3.0]
    # dry weight, 14 % moisture: × 0.86; fresh weight and unknown basis: × 1
    assert k.as_sold_factor(["dw", "fw", "unknown"], 0.14).tolist() == pytest.approx([0.86, 1.0, 1.0])
    # 0.2 mg/kg as sold on a dry-weight function, 14 % moisture, no spread: 0.2 / 0.86
    assert float(critical_median(0.2, "dw", 0.14, 0.0)) == pytest.approx(0.2 / 0.86)
    # spread 0.3 at 95 %: 0.2 · 10^(−1.6449 · 0.3) = 0.06421
    assert float(k.critical_median(0.2, "fw", 0.14, 0.3)) == pytest.approx(0.2 * 10 ** (-1.6448536 * 0.3))
    # mean 0.09, SD 0.10: CV² = 1.2346, median 0.09/√2.2346 = 0.06021, σ₁₀ = √ln 2.2346 / ln 10 = 0.3894
    m, s = k.lognormal_from_mean_sd(0.09, 0.10)
    assert (float(m), float(s)) == pytest.approx((0.060206, 0.389426), abs=1e-6)
    # median at the limit: P(exceed) = ½; half the limit with σ₁₀ 0.3: 1 − Φ(log10 2 / 0.3) = 0.1578
    assert k.exceedance_probability([0.2, 0.1], 0.3, 0.2).tolist() == pytest.approx([0.5, 0.15783], abs=1e-5)
    # p (0.1, 0.4, 0.35, 0.8) for outcomes (0, 0, 1, 1): 3 of 4 pairs ordered → AUC 0.75
    assert k.auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)
    # ((0)² + (0)² + (0.5)²) / 3
    assert k.brier([1.0, 0.0, 0.5], [1, 0, 1]) == pytest.approx(0.25 / 3)
    # predictions twice the observations: bias log10 2 = 0.30103, RMSE the same; all within ×10^(1.645·0.3)
    sk = skill_metrics([0.1, 0.2, 0.4], [0.2, 0.4, 0.8], 0.3, 0.25)
    assert (sk["n"], sk["bias_log10"], sk["rmse_log10"], sk["coverage90"]) == \
        pytest.approx((3, np.log10(2.0), np.log10(2.0), 1.0))


def test_transfer_function_kernels_by_hand():
    """Transfer-function evaluation from plain terms and ranges (no table row), checked by hand."""
    import numpy as np

    from agriremed.models import uptake as k

    terms = [("const", "const", 0.282), ("soil", "log10", 0.44), ("ph", "lin", -0.1834)]
    v = {"soil": np.array([100.0, 0.5, 0.0, np.nan]), "ph": np.array([6.0, 5.0, 6.0, 6.0])}
    p = k.transfer_predictor(terms, v, 4)
    # plot 1: 0.282 + 0.44·log10 100 − 0.1834·6 = 0.282 + 0.88 − 1.1004 = 0.0616
    # plot 2: 0.282 + 0.44·log10 0.5 − 0.1834·5 = 0.282 − 0.132453 − 0.917 = −0.767453
    # plots 3, 4: log10 of 0 and of a missing value → NaN
    assert p[:2].tolist() == pytest.approx([0.0616, -0.767453], abs=1e-6)
    assert np.isnan(p[2:]).all()
    # skipping pH: 0.282 + 0.88 = 1.162; an unavailable variable makes every plot NaN
    assert k.transfer_predictor(terms, v, 4, skip={"ph"})[0] == pytest.approx(1.162)
    assert np.isnan(k.transfer_predictor(terms, {"soil": v["soil"]}, 4)).all()
    # log-linear back-transform: 10^0.0616 = 1.152391; 10^−0.767453 = 0.170823; a linear form is as is
    assert k.transfer_response(p[:2], "loglinear").tolist() == pytest.approx([1.152391, 0.170823], rel=1e-5)
    assert k.transfer_response(p[:2], "linear").tolist() == pytest.approx([0.0616, -0.767453], abs=1e-6)
    # linear BCF function C = 0.2·soil: 0.2 · 1.5 = 0.3 mg/kg
    bcf = k.transfer_predictor([("soil", "lin", 0.2)], {"soil": np.array([1.5])}, 1)
    assert k.transfer_response(bcf, "linear").tolist() == pytest.approx([0.3])

    # missing inputs: soil (logged) bad where 0 or NaN; pH bad where NaN; an unavailable variable everywhere
    miss = k.missing_term_inputs(terms + [("clay_pct", "lin", 0.01)], v | {"ph": np.array([6.0, np.nan, 5.0, 6.0])}, 4)
    assert [(var, bad.tolist()) for var, bad in miss] == [
        ("soil", [False, False, True, True]), ("ph", [False, True, False, False]), ("clay_pct", [True] * 4)]
    # a plain (not logged) term accepts 0 and negative values
    assert k.missing_term_inputs([("ph", "lin", 1.0)], {"ph": np.array([0.0, -1.0])}, 2)[0][1].tolist() == [False, False]

    # validity range soil 0.15..2.66, pH 4..8.5 (ends included): soil 100 high, 0.5 in, 0 low, NaN not outside
    ranges = {"soil": (0.15, 2.66), "ph": (4.0, 8.5)}
    w = {"soil": np.array([100.0, 0.5, 0.0, np.nan]), "ph": np.array([4.0, 8.5, 9.0, 3.9])}
    assert [(var, bad.tolist()) for var, bad in k.range_violations(ranges, w, 4)] == [
        ("soil", [True, False, True, False]), ("ph", [False, False, True, True])]
    assert k.outside_validity_range(ranges, w, 4).tolist() == [1.0, 0.0, 1.0, 1.0]
    # no published range: NaN (not known), not 0 (inside)
    assert np.isnan(k.outside_validity_range({}, w, 4)).all()
    # a range on a variable the plots do not have is never violated
    assert k.outside_validity_range({"cec": (1.0, 2.0)}, w, 4).tolist() == [0.0] * 4


def test_package_reduction_kernel_by_hand():
    """R_pkg = 1 − (1 − max R_i)(1 − g), from the duration kernels alone."""
    import numpy as np

    from agriremed.models import duration as k

    # strongest of 0.30, 0.55, 0.40 is 0.55; g = 0.2: 1 − 0.45 · 0.8 = 0.64
    assert float(k.package_reduction([0.30, 0.55, 0.40], 0.2)) == pytest.approx(0.64)
    # two draws (columns), one g per draw: max(0.1, 0.7) = 0.7, g 0.5 → 1 − 0.3·0.5 = 0.85;
    # max(0.6, 0.2) = 0.6, g 0 → 0.6
    r = k.package_reduction(np.array([[0.1, 0.6], [0.7, 0.2]]), np.array([0.5, 0.0]))
    assert r.tolist() == pytest.approx([0.85, 0.6])


def test_harvest_by_year_kernel_by_hand():
    """Year-by-year harvests from plain arrays (yields, cycles, horizon, years under the option,
    establishment shares), checked by hand."""
    import numpy as np

    from agriremed.models import biomass as k

    # row 1: 5 t/ha/yr cut every 3 years over 7 years: cuts of 3 · 5 = 15 in years 3 and 6
    # row 2: annual crop 2 t/ha/yr that stops after 2.4 years: harvests in years 1, 2 and 3 (ceil 2.4)
    # row 3: unknown yield: NaN every year; row 4: a cycle of 0 counts as 1 (annual)
    s = k.harvest_by_year([5.0, 2.0, np.nan, 1.0], [3, 1, 1, 0], 7, years_under_option=[np.nan, 2.4, 7, np.inf])
    assert s[0].tolist() == [0, 0, 15, 0, 0, 15, 0]
    assert s[1].tolist() == [2, 2, 2, 0, 0, 0, 0]
    assert np.isnan(s[2]).all()
    assert s[3].tolist() == [1.0] * 7
    # establishment 0, 0.5, then 1 with 12 t/ha/yr cut every 2 years over 6 years:
    # growth 0, 6, 12, 12, 12, 12 → cuts in years 2 (0 + 6 = 6), 4 (12 + 12 = 24), 6 (24)
    e = k.harvest_by_year([12.0], 2, 6, establishment=[[0.0, 0.5, 1.0, 1.0, 1.0, 1.0]])
    assert e.tolist() == [[0, 6, 0, 24, 0, 24]]
    # the same crop stopped after 3 years: only the cut of year 2
    assert k.harvest_by_year([12.0], 2, 6, [3], [0.0, 0.5, 1, 1, 1, 1]).tolist() == [[0, 6, 0, 0, 0, 0]]
