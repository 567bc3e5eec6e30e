"""Global sensitivity of a plan result: Morris elementary effects and Sobol indices.

The one-at-a-time tornado (:func:`agriremed.engine.sensitivity.tornado`) moves one table value at a
time with the others at typical. :func:`global_sensitivity` varies the same values together,
each uniformly over the same low–high range of its table row, and re-plans the plot the same
way (one plot, the option and the do-nothing baseline, no Monte Carlo, the full pipeline of
:func:`agriremed.plan`):

* **Morris** elementary effects (always): ``mu_star`` is the mean absolute change of the
  output when one value moves by a fixed share of its range, scaled to the whole range, so it
  is in the output's unit and, for a value acting linearly, equals the tornado's swing;
  ``sigma`` (the spread of those changes) is large when the value acts non-linearly or
  through interactions with the others.
* **Sobol** first-order (``S1``) and total (``ST``) indices, on request (``sobol_n``): the
  share of the output's variance due to the value alone and with all its interactions.

The sampling and the estimators are those of SALib (optional extra ``sa``), with a seed so
that a run is reproducible.

References
----------
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
Technometrics 33(2), 161–174. https://doi.org/10.1080/00401706.1991.10484804

Campolongo, F., Cariboni, J., Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. Environmental Modelling & Software 22(10), 1509–1518.
https://doi.org/10.1016/j.envsoft.2006.10.004

Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S. (2010).
Variance based sensitivity analysis of model output. Design and estimator for the total
sensitivity index. Computer Physics Communications 181(2), 259–270.
https://doi.org/10.1016/j.cpc.2009.09.018

Herman, J., Usher, W. (2017). SALib: An open-source Python library for sensitivity analysis.
Journal of Open Source Software 2(9), 97. https://doi.org/10.21105/joss.00097
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from agriremed.core.scenario import Scenario
from agriremed.engine.sensitivity import SensitivitySetup, with_values
from agriremed.core.tables import Tables
from agriremed.core import columns as C
from agriremed.io.viz import figure_layout

__all__ = ["SAExtraMissing", "global_sensitivity", "global_sensitivity_plot", "morris_indices",
           "sobol_indices"]

#: Columns of :func:`global_sensitivity` (and of :func:`morris_indices` / :func:`sobol_indices`
#: after ``parameter``).
COLUMNS = ["parameter", "table", "source", "unit", "low", "typical", "high", "mu", "mu_star",
           "mu_star_conf", "sigma", "S1", "S1_conf", "ST", "ST_conf"]


class SAExtraMissing(ImportError):
    """Global sensitivity needs the optional extra ``sa`` (SALib)."""


def _salib():
    try:
        import SALib  # noqa: F401
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError as exc:
        raise SAExtraMissing(
            "global sensitivity (Morris, Sobol) needs the optional package SALib "
            f"({exc.name} is not installed): pip install 'agriremed[sa]' "
            "(全局敏感性分析需要安装可选依赖 agriremed[sa])") from exc
    return morris_sample, morris_analyze, sobol_sample, sobol_analyze


def _problem(names: Sequence[str], bounds) -> dict:
    b = np.asarray(bounds, float).reshape(len(names), 2)
    if len(names) == 0:
        raise ValueError("no parameter to vary: every range has low = high")
    bad = [str(n) for n, (lo, hi) in zip(names, b, strict=True)
           if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi)]
    if bad:
        raise ValueError(f"parameter(s) {', '.join(bad)}: expected finite bounds with low < high")
    # SALib needs distinct names; the labels are kept by position
    return {"num_vars": len(names), "names": [f"x{i}" for i in range(len(names))], "bounds": b.tolist()}


def _evaluate(f: Callable[[np.ndarray], float], X: np.ndarray, desc: str, progress) -> np.ndarray:
    y = np.array([f(x) for x in tqdm(X, desc=desc, unit="run", leave=False,
                                     disable=(not progress) if progress is not None else None)], float)
    if not np.isfinite(y).all():
        raise ValueError(f"{desc}: the output is not a finite number in {int((~np.isfinite(y)).sum())} of "
                         f"{len(y)} runs (e.g. the target is never reached); choose another output")
    return y


def morris_indices(f: Callable[[np.ndarray], float], names: Sequence[str], bounds, trajectories: int = 10,
                   num_levels: int = 4, seed: int = 0, conf_level: float = 0.95, num_resamples: int = 1000,
                   progress: bool | None = None, desc: str = "Morris") -> pd.DataFrame:
    """Morris elementary effects of a function of several inputs, each uniform over its bounds.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for one input vector ``x`` (in the inputs' own units).
    names : sequence of str
        Input names.
    bounds : array_like, shape (k, 2)
        Low and high of each input [input's unit].
    trajectories : int
        Number of Morris trajectories ``r`` (at least 2); ``f`` is called ``r (k + 1)`` times.
    num_levels : int
        Grid levels per input ``p`` (the step is ``p / (2 (p − 1))`` of the range).
    seed : int
        Seed of the sample and of the bootstrap of ``mu_star_conf``.
    conf_level : float
        Confidence level of ``mu_star_conf`` [1].
    num_resamples : int
        Bootstrap resamples.
    progress : bool, optional
        Show a progress bar.
    desc : str
        Progress-bar label.

    Returns
    -------
    pandas.DataFrame
        One row per input, in input order: ``parameter``, ``mu`` and ``mu_star`` (mean and mean
        absolute elementary effect, scaled to the input's whole range [output's unit]),
        ``mu_star_conf`` (half-width of the bootstrap confidence interval of ``mu_star``) and
        ``sigma`` (standard deviation of the elementary effects) [output's unit];
        attribute ``runs`` (calls of ``f``).

    References
    ----------
    Morris (1991), Technometrics 33, 161–174; Campolongo et al. (2007), Environ. Model. Softw.
    22, 1509–1518 (``mu_star``).
    """
    m_sample, m_analyze, _, _ = _salib()
    if int(trajectories) < 2:
        raise ValueError(f"Morris trajectories = {trajectories}: expected at least 2 (sigma needs two "
                         "elementary effects per value)")
    problem = _problem(names, bounds)
    X = m_sample.sample(problem, int(trajectories), num_levels=int(num_levels), seed=int(seed))
    y = _evaluate(f, X, desc, progress)
    r = m_analyze.analyze(problem, X, y, num_resamples=int(num_resamples), conf_level=conf_level,
                          print_to_console=False, num_levels=int(num_levels), seed=int(seed))
    out = pd.DataFrame({"parameter": list(names), "mu": np.asarray(r["mu"], float),
                        "mu_star": np.asarray(r["mu_star"], float),
                        "mu_star_conf": np.asarray(r["mu_star_conf"], float),
                        "sigma": np.asarray(r["sigma"], float)})
    out.attrs["runs"] = len(y)
    return out


def sobol_indices(f: Callable[[np.ndarray], float], names: Sequence[str], bounds, n: int = 256,
                  seed: int = 0, conf_level: float = 0.95, num_resamples: int = 100,
                  progress: bool | None = None, desc: str = "Sobol") -> pd.DataFrame:
    """First-order and total Sobol indices of a function, each input uniform over its bounds.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for one input vector ``x`` (in the inputs' own units).
    names : sequence of str
        Input names.
    bounds : array_like, shape (k, 2)
        Low and high of each input [input's unit].
    n : int
        Base sample size (a power of 2); ``f`` is called ``n (k + 2)`` times.
    seed : int
        Seed of the (scrambled Sobol') sample and of the bootstrap intervals.
    conf_level : float
        Confidence level of ``S1_conf`` and ``ST_conf`` [1].
    num_resamples : int
        Bootstrap resamples.
    progress : bool, optional
        Show a progress bar.
    desc : str
        Progress-bar label.

    Returns
    -------
    pandas.DataFrame
        One row per input, in input order: ``parameter``, ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf`` [1] (indices and half-widths of their bootstrap confidence intervals);
        attribute ``runs``.

    References
    ----------
    Saltelli et al. (2010), Comput. Phys. Commun. 181, 259–270 (sampling design and
    estimators).
    """
    _, _, s_sample, s_analyze = _salib()
    n = int(n)
    if n < 2 or n & (n - 1):
        raise ValueError(f"sobol sample size n = {n}: expected a power of 2 (e.g. 64, 256, 1024)")
    problem = _problem(names, bounds)
    X = s_sample.sample(problem, n, calc_second_order=False, seed=int(seed))
    y = _evaluate(f, X, desc, progress)
    r = s_analyze.analyze(problem, y, calc_second_order=False, num_resamples=int(num_resamples),
                          conf_level=conf_level, print_to_console=False, seed=int(seed))
    out = pd.DataFrame({"parameter": list(names), "S1": np.asarray(r["S1"], float),
                        "S1_conf": np.asarray(r["S1_conf"], float), "ST": np.asarray(r["ST"], float),
                        "ST_conf": np.asarray(r["ST_conf"], float)})
    out.attrs["runs"] = len(y)
    return out


def global_sensitivity(plots, plot_id: str, option_id: str | None = None,
                       output: str = "npv_vs_baseline_cny_ha", scenario: Scenario | None = None,
                       tables: Tables | None = None, trajectories: int = 10, num_levels: int = 4,
                       sobol_n: int | None = None, seed: int = 0, conf_level: float = 0.95,
                       progress: bool | None = None) -> pd.DataFrame:
    """Morris (and optionally Sobol) sensitivity of one output of one plot × option.

    The values varied, the way each is set and the plan run are those of
    :func:`agriremed.engine.sensitivity.tornado`; here all values move at once, each uniformly
    over its table row's low–high range.

    Parameters
    ----------
    plots : str, Path or pandas.DataFrame
        Plot table (as accepted by :func:`agriremed.plan`).
    plot_id : str
        Plot to analyse.
    option_id : str, optional
        Option to analyse (default: the option recommended for the plot).
    output : str
        Column of ``Plan.table`` to follow (e.g. ``npv_vs_baseline_cny_ha``,
        ``crop_compliance_prob``, ``years_to_target``, ``score``); it must be a finite number
        in every run.
    scenario : Scenario, optional
        Scenario (its Monte Carlo draws are switched off here).
    tables : Tables, optional
        Literature tables.
    trajectories : int
        Morris trajectories; the plot is planned ``trajectories × (k + 1)`` times for ``k``
        varied values.
    num_levels : int
        Morris grid levels.
    sobol_n : int, optional
        Also estimate Sobol indices with this base sample (a power of 2; another
        ``sobol_n × (k + 2)`` plans). Default: Morris only.
    seed : int
        Seed of the samples and bootstrap intervals: the same seed gives the same table.
    conf_level : float
        Confidence level of the ``*_conf`` half-widths [1].
    progress : bool, optional
        Show a progress bar (default: only on an interactive terminal or notebook).

    Returns
    -------
    pandas.DataFrame
        One row per varied value, largest ``mu_star`` first: ``parameter`` (as in the
        tornado), ``table`` and ``source`` (table and source key of the row), ``unit``,
        ``low``, ``typical``, ``high``, Morris ``mu``, ``mu_star``, ``mu_star_conf``,
        ``sigma`` [output's unit] and Sobol ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` [1]
        (NaN without ``sobol_n``). Attributes: ``plot_id``, ``option_id``, ``output``,
        ``base`` (output with every value typical), ``seed``, ``morris_runs``,
        ``sobol_runs``.

    Raises
    ------
    SAExtraMissing
        When SALib (extra ``sa``) is not installed.

    References
    ----------
    Morris (1991); Campolongo et al. (2007); Saltelli et al. (2010); Herman & Usher (2017),
    see the module docstring.

    Examples
    --------
    >>> g = global_sensitivity("data/samples/plots.csv", "HN-ZZ-01", "sedum_plumbizincicola",
    ...                        "years_to_target", seed=1)                # doctest: +SKIP
    >>> g[["parameter", "mu_star", "sigma"]].head(3)                     # doctest: +SKIP
    """
    _salib()                                    # fail before any planning when SALib is absent
    st = SensitivitySetup(plots, plot_id, option_id, output, scenario, tables)
    if not np.isfinite(st.base):
        raise ValueError(f"{output} of {st.option_id} on plot {plot_id} is not a finite number with every "
                         f"value typical ({st.base}); choose another output")
    rows = st.rows
    info = []
    for label, name, pos, unit in rows:
        r = getattr(st.tables, name).reset_index(drop=True).loc[pos]
        info.append({"parameter": label, "table": name, "source": r.get("source"), "unit": unit,
                     "low": float(r["low"]), "typical": float(r["typical"]), "high": float(r["high"])})
    info = pd.DataFrame(info, columns=COLUMNS[:7])
    keys = [(name, pos) for _, name, pos, _ in rows]

    def f(x: np.ndarray) -> float:
        return st.value(with_values(st.tables, dict(zip(keys, x, strict=True))))

    bounds = info[["low", "high"]].to_numpy(float)
    m = morris_indices(f, info["parameter"], bounds, trajectories, num_levels, seed, conf_level,
                       progress=progress, desc=f"Morris {output}")
    out = pd.concat([info, m.drop(columns="parameter")], axis=1)
    sobol_runs = 0
    if sobol_n:
        s = sobol_indices(f, info["parameter"], bounds, sobol_n, seed, conf_level, progress=progress,
                          desc=f"Sobol {output}")
        out = pd.concat([out, s.drop(columns="parameter")], axis=1)
        sobol_runs = s.attrs["runs"]
    out = out.reindex(columns=COLUMNS)
    out = out.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs.update(plot_id=plot_id, option_id=st.option_id, output=output, base=st.base, seed=int(seed),
                     morris_runs=m.attrs["runs"], sobol_runs=sobol_runs)
    return out


def global_sensitivity_plot(gsa: pd.DataFrame, top: int = 10, lang: str = "en"):
    """Bar chart of :func:`global_sensitivity`: Morris ``mu_star`` with its interval and ``sigma``.

    Parameters
    ----------
    gsa : pandas.DataFrame
        Output of :func:`global_sensitivity`.
    top : int
        Number of values shown (largest ``mu_star`` first).
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars of ``mu_star`` (error bar: ``mu_star_conf``) and ``sigma`` in the output's
        unit; with Sobol indices, a second panel of ``S1`` and ``ST``.
    """
    from plotly.subplots import make_subplots

    t = gsa.head(top).iloc[::-1]
    zh = lang == "zh"
    sobol = bool(t["ST"].notna().any()) if "ST" in t else False
    fig = make_subplots(rows=1, cols=2 if sobol else 1, shared_yaxes=True, horizontal_spacing=0.04)
    for col, name, colour in (("mu_star", "μ* (Morris)", "#d7191c"), ("sigma", "σ (Morris)", "#fdae61")):
        err = dict(type="data", array=t["mu_star_conf"]) if col == "mu_star" else None
        fig.add_bar(y=t["parameter"], x=t[col], orientation="h", name=name, marker_color=colour,
                    error_x=err, hovertemplate="%{y}: %{x:,.3g}<extra>" + name + "</extra>", row=1, col=1)
    if sobol:
        for col, name, colour in (("S1", "S1 (Sobol)", "#2c7bb6"), ("ST", "ST (Sobol)", "#abd9e9")):
            fig.add_bar(y=t["parameter"], x=t[col], orientation="h", name=name, marker_color=colour,
                        error_x=dict(type="data", array=t[f"{col}_conf"]),
                        hovertemplate="%{y}: %{x:.3f}<extra>" + name + "</extra>", row=1, col=2)
        fig.update_xaxes(title="Sobol index" if not zh else "Sobol指数", row=1, col=2)
    fig.update_layout(barmode="group")
    out = gsa.attrs.get("output", "")
    fig.update_xaxes(title=(C.label(out, lang) if out else ""), row=1, col=1)
    title = (f"Global sensitivity (Morris{', Sobol' if sobol else ''}) of {out} for "
             f"{gsa.attrs.get('option_id', '')}, plot {gsa.attrs.get('plot_id', '')}"
             if not zh else "全局敏感性分析")
    return figure_layout(fig, title, height=max(320, 44 * len(t) + 160))
