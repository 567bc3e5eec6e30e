"""Stage-level comparison: deterministic years to target, three ways.

The workload is the core arithmetic of the duration engine
(:mod:`agriremed.stages.duration`) for every plot × removal option × target metal of a
portfolio, with the scenario's default of no other soil losses:

* soil mass of the treated layer M = depth × bulk density × 10 000 m² ha⁻¹;
* removal models ``bcf``, ``fraction`` and ``removal_rate_soil`` (first order): a fraction f
  of the soil metal leaves each year, n = ln(Ct/C0) / ln(1 − f);
* ``shoot_conc`` and ``removal_rate`` (zero order): a removal R [g ha⁻¹ yr⁻¹] each year,
  t = (C0 − Ct) · M / R;
* ``declining_bcf``: dC/dt = −a Cᵇ, t = (C0¹⁻ᵇ − Ct¹⁻ᵇ) / ((1 − b) a);
* 0 years where C0 ≤ Ct, at least one harvest otherwise.

It is computed by

:func:`agriremed_years`
    agriremed's own public vectorised functions (:func:`agriremed.stages.soil.soil_mass_t_ha`,
    :func:`agriremed.stages.duration.bcf_fraction`, :func:`~agriremed.stages.duration.years_first_order`,
    :func:`~agriremed.stages.duration.years_zero_order`,
    :func:`~agriremed.stages.duration.years_declining_bcf`) combined per removal model as
    :func:`agriremed.stages.duration.estimate_duration` combines them;
:func:`per_plot_loop`
    the same call made once per plot (the naive loop);
:func:`bare_kernel`
    plain numpy written for this benchmark: integer model codes, each model's formula
    evaluated only on its own rows, no dtype conversion or broadcasting helpers.

:func:`duration_inputs` prepares the rows from a plan with
:func:`agriremed.stages.duration.removal_inputs`, so the parameter values, removal models and
targets are those the planner uses; :func:`check_agreement` compares the three results
and the ``years_to_target`` column of :func:`agriremed.stages.duration.estimate_duration`.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from agriremed.stages import duration, soil

#: Dry soil mass per metre of depth and g cm⁻³ of bulk density [t ha⁻¹] (10 000 m² ha⁻¹).
M2_PER_HA = 1.0e4
#: Below this 1 − b the declining-BCF model is exponential decay (as in agriremed).
ONE_MINUS_B_EXPONENTIAL = 1e-9
#: Shortest non-zero clean-up [yr]: lowering the soil takes at least one harvest.
MIN_YEARS = 1.0

#: Integer code of each removal model in :func:`bare_kernel` (anything else: no model).
MODEL_CODES = {"bcf": 0, "fraction": 1, "shoot_conc": 2, "removal_rate": 3, "declining_bcf": 4,
               "removal_rate_soil": 5}
NO_MODEL = -1

#: Parameter arrays of a row (names of :func:`agriremed.stages.duration.removal_inputs` ``typ``).
PARAMETERS = ("Y", "h", "s", "bcf", "fr", "cs", "rr", "sref", "cref", "b", "rcref")


@dataclasses.dataclass
class DurationInputs:
    """Rows (plot × removal option × target metal) of the years-to-target workload.

    Attributes
    ----------
    depth_m, bulk_density_g_cm3 : numpy.ndarray
        Depth [m] and bulk density [g cm⁻³] of the plot of each row.
    c0, ct : numpy.ndarray
        Soil and target concentration [mg kg⁻¹].
    model : numpy.ndarray
        Removal model of each row (``object`` text, as agriremed holds it).
    model_code : numpy.ndarray
        The same as ``int8`` codes of :data:`MODEL_CODES` (input layout of :func:`bare_kernel`).
    params : dict of numpy.ndarray
        ``Y`` harvested dry matter [t ha⁻¹ yr⁻¹], ``h`` harvest loss [–], ``s`` seasons a
        year, ``bcf`` [–], ``fr`` fraction removed per season [–], ``cs`` shoot
        concentration [mg kg⁻¹], ``rr`` removal [g ha⁻¹ yr⁻¹], ``sref``/``cref``/``b``
        of the declining-BCF model, ``rcref`` soil concentration at which ``rr`` applies
        (``removal_rate_soil``) [mg kg⁻¹].
    plot_start : numpy.ndarray
        First row of each plot (rows of one plot are adjacent), plus the row count at the end.
    n_plots : int
        Plots in the portfolio (including those without removal rows).
    """

    depth_m: np.ndarray
    bulk_density_g_cm3: np.ndarray
    c0: np.ndarray
    ct: np.ndarray
    model: np.ndarray
    model_code: np.ndarray
    params: dict
    plot_start: np.ndarray
    n_plots: int

    def __len__(self) -> int:
        return len(self.c0)

    def rows(self, start: int, stop: int) -> DurationInputs:
        """The rows ``start:stop`` (views, no copy)."""
        sl = slice(start, stop)
        return DurationInputs(self.depth_m[sl], self.bulk_density_g_cm3[sl], self.c0[sl], self.ct[sl],
                              self.model[sl], self.model_code[sl], {k: v[sl] for k, v in self.params.items()},
                              np.array([0, stop - start]), 1)


def duration_inputs(p) -> tuple[DurationInputs, dict]:
    """Years-to-target rows of a deterministic plan.

    Parameters
    ----------
    p : agriremed.engine.plan.Plan
        A plan made with ``mc_draws=0`` (``detail=False`` is enough).

    Returns
    -------
    inputs : DurationInputs
        The workload rows.
    removal : dict
        The output of :func:`agriremed.stages.duration.removal_inputs` they come from (to pass
        to :func:`agriremed.stages.duration.estimate_duration`).
    """
    r = duration.removal_inputs(p.options, p.plots, p.soil, p.biomass, p.tables, targets=p.targets)
    plots = p.plots.set_index("plot_id")
    pos = plots.index.get_indexer(np.asarray(r["plot_id"], dtype=object))
    model = np.asarray(r["model"], dtype=object)
    code = np.full(len(model), NO_MODEL, dtype=np.int8)
    for name, c in MODEL_CODES.items():
        code[model == name] = c
    pid = np.asarray(r["plot_id"], dtype=object)
    start = np.flatnonzero(np.r_[True, pid[1:] != pid[:-1]]) if len(pid) else np.zeros(0, np.intp)
    inputs = DurationInputs(
        depth_m=plots["depth_m"].to_numpy(float)[pos],
        bulk_density_g_cm3=plots["bulk_density_g_cm3"].to_numpy(float)[pos],
        c0=np.asarray(r["c0"], float), ct=np.asarray(r["ct"], float), model=model, model_code=code,
        params={k: np.ascontiguousarray(r["typ"][k], dtype=float) for k in PARAMETERS},
        plot_start=np.r_[start, len(pid)], n_plots=len(plots))
    return inputs, r


def agriremed_years(x: DurationInputs) -> np.ndarray:
    """Years to target with agriremed's public vectorised functions.

    Parameters
    ----------
    x : DurationInputs
        Workload rows.

    Returns
    -------
    numpy.ndarray
        Years to target [yr] per row (NaN where the row has no removal model or parameter).
    """
    p, model = x.params, x.model
    mass = soil.soil_mass_t_ha(x.depth_m, x.bulk_density_g_cm3)
    y_net = p["Y"] * (1.0 - p["h"])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f_bcf = duration.bcf_fraction(p["Y"], p["bcf"], mass, p["h"], p["s"])
        f_fr = 1.0 - (1.0 - np.clip(p["fr"], 0.0, 1.0)) ** np.maximum(p["s"], 1.0)
        removal = np.where(model == "shoot_conc", y_net * p["cs"], p["rr"])
        f_rs = np.clip(p["rr"] / (p["rcref"] * mass), 0.0, 1.0)
        f = np.select([model == "bcf", model == "removal_rate_soil"], [f_bcf, f_rs], f_fr)
        first = duration.years_first_order(x.c0, x.ct, f)
        zero = duration.years_zero_order(x.c0, x.ct, mass, 1.0, removal)
        dec = duration.years_declining_bcf(x.c0, x.ct, mass, y_net, p["sref"], p["cref"], p["b"])
    return np.select([np.isin(model, duration.FIRST_ORDER_MODELS),
                      np.isin(model, ["shoot_conc", "removal_rate"]),
                      model == "declining_bcf"], [first, zero, dec], np.nan)


def per_plot_loop(x: DurationInputs) -> np.ndarray:
    """:func:`agriremed_years` called once per plot (the naive per-row loop).

    Parameters
    ----------
    x : DurationInputs
        Workload rows.

    Returns
    -------
    numpy.ndarray
        Years to target [yr] per row.
    """
    out = np.empty(len(x))
    bounds = x.plot_start
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        out[a:b] = agriremed_years(x.rows(a, b))
    return out


def bare_kernel(x: DurationInputs) -> np.ndarray:
    """Years to target in plain numpy, each removal model on its own rows.

    Parameters
    ----------
    x : DurationInputs
        Workload rows (``model_code``, not ``model``, selects the formula).

    Returns
    -------
    numpy.ndarray
        Years to target [yr] per row, equal to :func:`agriremed_years` to rounding.
    """
    p, code, c0, ct = x.params, x.model_code, x.c0, x.ct
    mass = x.depth_m * x.bulk_density_g_cm3 * M2_PER_HA
    out = np.full(len(code), np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # first order: fraction f removed per year from the yearly yield split over s seasons
        i = np.flatnonzero((code == MODEL_CODES["bcf"]) | (code == MODEL_CODES["fraction"])
                           | (code == MODEL_CODES["removal_rate_soil"]))
        is_bcf = code[i] == MODEL_CODES["bcf"]
        is_soil = code[i] == MODEL_CODES["removal_rate_soil"]   # a yearly fraction: one 'season'
        s = np.where(is_soil, 1.0, np.maximum(p["s"][i], 1.0))
        f_season = np.where(is_bcf,
                            np.minimum(p["Y"][i] * (1.0 - p["h"][i]) * p["bcf"][i] / (s * mass[i]), 1.0),
                            np.where(is_soil, np.clip(p["rr"][i] / (p["rcref"][i] * mass[i]), 0.0, 1.0),
                                     np.clip(p["fr"][i], 0.0, 1.0)))
        keep = 1.0 - np.clip(1.0 - (1.0 - f_season) ** s, 0.0, 1.0)     # share kept each year
        n = np.log(ct[i] / c0[i]) / np.log(keep)
        n[keep <= 0.0] = 1.0
        n[keep >= 1.0] = np.inf
        n[np.isnan(keep)] = np.nan
        out[i] = n
        # zero order: constant removal R [g ha⁻¹ yr⁻¹]
        i = np.flatnonzero((code == MODEL_CODES["shoot_conc"]) | (code == MODEL_CODES["removal_rate"]))
        removal = np.where(code[i] == MODEL_CODES["shoot_conc"], p["Y"][i] * (1.0 - p["h"][i]) * p["cs"][i],
                           p["rr"][i])
        out[i] = np.where(removal > 0, (c0[i] - ct[i]) * mass[i] / removal, np.inf)
        # declining BCF: dC/dt = −a Cᵇ
        i = np.flatnonzero(code == MODEL_CODES["declining_bcf"])
        b = np.clip(p["b"][i], 0.0, 1.0)
        a = p["Y"][i] * (1.0 - p["h"][i]) * p["sref"][i] * p["cref"][i] ** (-b) / mass[i]
        one_b = 1.0 - b
        c0i, cti = c0[i], ct[i]
        t = np.where(a > 0, (c0i ** one_b - np.maximum(cti, 0.0) ** one_b) / (one_b * a), np.inf)
        exponential = one_b < ONE_MINUS_B_EXPONENTIAL
        if exponential.any():
            t[exponential] = (np.log(c0i / cti) / (a * c0i ** (b - 1.0)))[exponential]
        out[i] = t
    out = np.where(c0 <= ct, 0.0, np.maximum(out, MIN_YEARS))
    out[code == NO_MODEL] = np.nan
    return out


def best_of(fn, repeat: int) -> tuple[float, object]:
    """Shortest wall time [s] of ``repeat`` calls of ``fn()`` and the last result."""
    best, result = np.inf, None
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def check_agreement(x: DurationInputs, removal: dict, p, rtol: float = 1e-9) -> dict:
    """Largest relative difference of each method from agriremed's duration stage.

    Parameters
    ----------
    x : DurationInputs
        Workload rows.
    removal : dict
        Their :func:`agriremed.stages.duration.removal_inputs` output.
    p : agriremed.engine.plan.Plan
        The plan they come from.
    rtol : float
        Relative tolerance; an ``AssertionError`` is raised beyond it.

    Returns
    -------
    dict
        Method name → largest relative difference on finite values (inf and NaN must
        match exactly).
    """
    by_metal, _ = duration.estimate_duration(p.options, p.plots, p.soil, p.biomass, p.tables,
                                             horizon_yr=p.scenario.horizon_yr, targets=p.targets,
                                             removal=removal)
    ref = by_metal["years_to_target"].to_numpy(float)
    out = {}
    for name, fn in (("agriremed_years", agriremed_years), ("per_plot_loop", per_plot_loop),
                     ("bare_kernel", bare_kernel)):
        got = fn(x)
        np.testing.assert_allclose(got, ref, rtol=rtol, atol=0.0, equal_nan=True, err_msg=name)
        fin = np.isfinite(ref) & (ref != 0)
        out[name] = float(np.max(np.abs(got[fin] / ref[fin] - 1.0), initial=0.0))
    return out
