"""Fit your own soil → crop transfer function to paired soil–plant data.

The model is the log–log regression used throughout the transfer-function literature,

    log10 C_plant = a + b·log10 C_soil + c·pH (+ d·log10 SOM + e·log10 clay + …),

with terms written in the grammar of ``transfer_functions.csv`` (``log10(soil)``,
``ph``, ``log10(som_pct)``, ``cec_cmol_kg`` …; ``soil`` is the metal in the soil extract
named by ``soil_measure``). :func:`fit_pairs` takes pairs already read and checked by
:func:`agriremed.io.pairs.validate_pairs` (row, column, value and what was expected for every
problem; bad rows are left out and listed; :func:`agriremed.io.pairs.fit_transfer_function`
reads, checks and fits a file or a DataFrame in one call), and

* fits it by ordinary least squares (statsmodels ``OLS``) or robustly (statsmodels
  ``RLM`` with Huber's T norm), with a coefficient table and 95 % confidence
  intervals, R², the residual standard error (widened for the coefficients' uncertainty
  at the mean leverage and the t quantile, :meth:`TransferFit.predictive_se`, it is the function's
  ``se_log10``; the covariance of the coefficients, :meth:`TransferFit.coef_cov`), residual
  diagnostics (Shapiro–Wilk, Jarque–Bera, Breusch–Pagan), leverage, studentised
  residuals, Cook's distance with an influence flag (default threshold 4/n), and 95 %
  prediction intervals for new samples;
* compares, by seeded k-fold cross-validation (scikit-learn), the log–log model with a
  simple bioconcentration factor (log10 C_plant = log10 C_soil + log10 BCF, BCF the
  geometric mean of the training pairs), a gradient-boosting model on the same
  variables and the mean of log10 C_plant, as RMSE in log10 units;
* returns the function as a ``transfer_functions.csv`` row (coefficients, ``se_log10``,
  the residual SE ``se_resid_log10`` and the coefficients' covariance ``coef_cov``, from which a
  plan computes each plot's spread at its own leverage, n, R², validity ranges = data ranges,
  source = the user's file) with a ``sources.csv``
  row, which :meth:`TransferFit.tables` or a folder written by
  :func:`agriremed.io.pairs.write_fit` (``load_tables(folder)``, ``agriremed plan --tables folder``)
  put to use in a plan like a published function.

Units and bases: soil [mg kg⁻¹ dry mass]; plant [mg kg⁻¹] on the basis the user states
(``dw``, ``fw`` or ``unknown``), which becomes the function's ``plant_basis``; SOM [%]
(from OC [g kg⁻¹] × SOM/OC factor / 10 when only OC is given).

References
----------
.. [1] Seabold S., Perktold J. (2010) statsmodels: Econometric and statistical modeling with
   Python. Proc. 9th Python in Science Conference.
.. [2] Huber P.J. (1981) Robust Statistics. Wiley (Huber's T norm, t = 1.345).
.. [3] Cook R.D. (1977) Detection of influential observation in linear regression.
   Technometrics 19:15–18; 4/n cut-off: Bollen K.A., Jackman R.W. (1990) in Modern Methods
   of Data Analysis, Sage.
.. [4] Pedregosa F. et al. (2011) Scikit-learn: machine learning in Python. JMLR 12:2825–2830.
.. [5] Pribyl D.W. (2010) Geoderma 156:75–83 (SOM/OC factor).
"""

from __future__ import annotations

import dataclasses
import datetime
import re

import numpy as np
import pandas as pd

from agriremed.core.version import __version__
from agriremed.core import columns as C
from agriremed.core.messages import Message, Note, render, text_of
from agriremed.core.tables import NOT_RECOMMENDED, Tables, format_coef_cov, load_tables
from agriremed.models.uptake import prediction_widening, term_transform
from agriremed.stages.uptake.predict import PH_DOMAIN, TERM_RE, plot_variables

__all__ = ["FitError", "TransferFit", "fit_pairs", "DEFAULT_TERMS", "design_matrix", "parse_model_terms",
           "check_fit_options", "soil_column", "plant_column"]

#: Default terms: soil metal and pH always; SOM and clay (log10) when the table has them.
DEFAULT_TERMS = ("log10(soil)", "ph", "log10(som_pct)", "log10(clay_pct)")
METHODS = ("ols", "huber")


class FitError(ValueError):
    """The pairs cannot be fitted (message says why: too few valid pairs, a constant term …)."""


def soil_column(metal: str, soil_measure: str = "total") -> str:
    """Name of the soil column a pairs table needs for ``metal`` and an extraction.

    Examples
    --------
    >>> soil_column("cd"), soil_column("cd", "cacl2")
    ('soil_cd_mg_kg', 'cd_cacl2_mg_kg')
    """
    return f"soil_{metal}_mg_kg" if soil_measure == "total" else C.metal_column(metal, soil_measure)


def plant_column(metal: str) -> str:
    """Name of the plant column for ``metal`` (``'plant_cd_mg_kg'``)."""
    return f"plant_{metal}_mg_kg"


def check_fit_options(metal: str, method: str, plant_basis: str, soil_measure: str) -> None:
    """Raise :class:`FitError` naming the option when a fit option is not known.

    Parameters
    ----------
    metal : str
        Metal code (``cd``, ``pb`` …).
    method : {"ols", "huber"}
        Regression method.
    plant_basis : {"dw", "fw", "unknown"}
        Basis of the plant concentrations.
    soil_measure : {"total", "cacl2", "hno3", "dtpa"}
        Soil extraction of the soil metal.
    """
    if metal not in C.METALS:
        raise FitError(f"metal {metal!r} not known; expected one of {', '.join(C.METALS)}")
    if method not in METHODS:
        raise FitError(f"method {method!r} not known; expected one of {', '.join(METHODS)}")
    if plant_basis not in ("dw", "fw", "unknown"):
        raise FitError(f"plant_basis {plant_basis!r} not known; expected dw, fw or unknown")
    if soil_measure not in ("total", *C.EXTRACTIONS):
        raise FitError(f"soil_measure {soil_measure!r} not known; expected total, "
                       + ", ".join(C.EXTRACTIONS))


def parse_model_terms(terms, require_soil: bool = True) -> list[tuple[str, str, str]]:
    """``(name, variable, transform)`` for each model term (no ``const``: it is always fitted).

    Parameters
    ----------
    terms : sequence of str
        Terms in the grammar of ``transfer_functions.csv`` (``log10(soil)``, ``ph`` …).
    require_soil : bool
        Raise :class:`FitError` when no term uses the soil metal.

    Returns
    -------
    list of tuple
        ``(name, variable, transform)``, transform ``"log10"`` or ``"lin"``.

    Examples
    --------
    >>> parse_model_terms(["log10(soil)", "ph"])
    [('log10(soil)', 'soil', 'log10'), ('ph', 'ph', 'lin')]
    """
    out = []
    allowed = {"soil", "ph_kcl"} | {n for n, c in C.COLUMNS.items()
                                     if c.role == "input" and c.dtype == "float"}
    for t in terms:
        name = str(t).strip().replace(" ", "")
        m = TERM_RE.match(name)
        if m is None or name == "const":
            raise FitError(f"term {t!r} not understood; expected a variable or log10(variable), "
                           "e.g. log10(soil), ph, log10(som_pct), cec_cmol_kg")
        var = m["var"] or m["plain"]
        if var not in allowed:
            raise FitError(f"unknown variable {var!r} in term {t!r}; expected soil or one of "
                           + ", ".join(sorted(allowed - {"soil"})))
        out.append((name, var, "log10" if m["fn"] else "lin"))
    if require_soil and not any(v == "soil" for _, v, _ in out):
        raise FitError("the terms must include the soil metal: add log10(soil) (or soil)")
    return out


def design_matrix(frame: pd.DataFrame, terms, metal: str, soil_measure: str = "total") -> pd.DataFrame:
    """Columns of the regression for each term (``const`` first).

    Parameters
    ----------
    frame : pandas.DataFrame
        Pairs (``soil_<metal>_mg_kg`` or the extract column) or plots (``<metal>_mg_kg``)
        with the other variables.
    terms : sequence of str
        Terms such as ``log10(soil)``, ``ph``.
    metal : str
        Metal code.
    soil_measure : str
        Soil extraction of ``soil``.

    Returns
    -------
    pandas.DataFrame
        ``const`` and one column per term (log10 taken where the term says so; NaN
        for a missing or non-positive logged value).
    """
    pair_soil = soil_column(metal, soil_measure)
    plot_soil = C.metal_column(metal, None if soil_measure == "total" else soil_measure)
    plotlike = frame.rename(columns={pair_soil: plot_soil}) if pair_soil != plot_soil else frame
    v = plot_variables(plotlike, metal, soil_measure)
    cols = {"const": np.ones(len(frame))}
    for name, var, transform in parse_model_terms(terms):
        cols[name] = term_transform(v[var], transform)
    return pd.DataFrame(cols, index=frame.index)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_") or "data"


@dataclasses.dataclass
class TransferFit:
    """A transfer function fitted to paired soil–plant data.

    Attributes
    ----------
    function_id : str
        Identifier of the fitted function (its ``transfer_functions.csv`` key).
    crop, metal, soil_measure, plant_basis, method : str
        What was fitted and how.
    terms : tuple of str
        Model terms (besides the constant).
    coefficients : pandas.DataFrame
        ``model_term``, ``coef``, ``coef_se``, ``coef_ci_low``, ``coef_ci_high``,
        ``coef_p_value`` [log10 plant per unit of term].
    diagnostics : pandas.DataFrame
        One row per pair: ``input_row``, ``pair_id``, ``log10_plant_obs``,
        ``log10_plant_fit``, ``residual_log10``, ``studentized_residual``, ``leverage``,
        ``cooks_distance``, ``influential``, ``robust_weight``, ``plant_fit_mg_kg``,
        ``plant_pi_low_mg_kg``, ``plant_pi_high_mg_kg``.
    cv : pandas.DataFrame
        Cross-validated comparison: ``model``, ``rmse_log10``, ``rmse_log10_sd``,
        ``r2_cv``, ``n_folds``.
    cv_predictions : pandas.DataFrame
        Out-of-fold predictions: ``input_row``, ``model``, ``fold``,
        ``log10_plant_obs``, ``log10_plant_pred``.
    stats : dict
        ``n``, ``n_params``, ``r2``, ``r2_adj``, ``se_log10``, ``rmse_log10``,
        ``shapiro_p``, ``jarque_bera_p``, ``breusch_pagan_p``, ``n_influential``,
        ``cooks_threshold``, ``bcf_geometric_mean``, ``bcf_arithmetic_mean``.
    valid_ranges : dict
        Data range of every variable ``{var: (min, max)}``.
    validation : agriremed.io.pairs.PairsValidation
        Validation of the pairs (rejected rows and problems).
    source_key, source_name : str
        Key of the ``sources.csv`` row and the data's name (file).
    notes : list of str
        How the data were read and fitted.
    result : statsmodels results
        The fitted statsmodels model (OLS or RLM).
    """

    function_id: str
    crop: str
    metal: str
    soil_measure: str
    plant_basis: str
    method: str
    terms: tuple
    coefficients: pd.DataFrame
    diagnostics: pd.DataFrame
    cv: pd.DataFrame
    cv_predictions: pd.DataFrame
    stats: dict
    valid_ranges: dict
    validation: object  # agriremed.io.pairs.PairsValidation
    source_key: str
    source_name: str
    notes: list
    priority: int = 0
    provinces: str = ""
    region: str = ""
    result: object = dataclasses.field(default=None, repr=False)
    #: Warnings on the fit (:class:`agriremed.core.messages.Message`): printed by ``fit-uptake``,
    #: listed in :meth:`summary` and appended to the ``note`` of :meth:`function_row`.
    warnings: list = dataclasses.field(default_factory=list)

    def no_predictive_skill(self) -> bool:
        """True where the log–log model predicts new pairs no better than a simpler one (warning
        ``fit.warn_cv``): ``fit-uptake`` then says the fit is not recommended for a plan, and its
        ``transfer_functions.csv`` row carries ``fit_verdict`` :data:`NOT_RECOMMENDED`."""
        return any(isinstance(w, Message) and "fit.warn_cv" in w.codes for w in self.warnings)

    def warning_texts(self, lang: str = "en") -> list[str]:
        """The warnings as sentences in ``lang``."""
        return [render(w, lang) for w in self.warnings]

    # -- the function as table rows ---------------------------------------------------
    def terms_cell(self) -> str:
        """The ``terms`` cell of the fitted function (6 significant digits)."""
        c = self.coefficients
        return "|".join(f"{t}:{v:.6g}" for t, v in zip(c["model_term"], c["coef"], strict=True))

    def predictive_se(self) -> float:
        """Spread [log10 units] of a prediction for a new field at the mean leverage of the data, the
        function's ``se_log10``: the residual SE widened for the uncertainty of the coefficients,
        σ·√(1 + p/n) (the mean leverage of the data is p/n), and by t₀.₉₇₅(n − p)/z₀.₉₇₅
        (:func:`agriremed.models.uptake.prediction_widening`) so that the plan's normal quantiles
        give the t prediction interval's width. It tends to the residual SE for large n and is
        wider for a small sample (n = 8, p = 4: × 1.73). A plan uses it only where the function has
        no ``coef_cov``: with it, each plot gets the spread at its own leverage
        (:meth:`coef_cov`)."""
        s = self.stats
        n, p = int(s["n"]), int(s["n_params"])
        return float(s["se_log10"] * np.sqrt(1.0 + p / n) * prediction_widening(n, p))

    def coef_cov(self) -> pd.DataFrame:
        """Covariance of the coefficients [(log10 mg kg⁻¹ per unit of term)²], indexed and headed by
        ``model_term`` (``const`` first, the order of ``terms``).

        The covariance the statsmodels fit reports (``cov_params()``): σ²(XᵀX)⁻¹ for OLS, with σ² the
        residual mean square; for the Huber fit the robust covariance (Huber's H1 correction, with
        the robust scale). With the residual SE (``se_resid_log10``) it gives the spread of a
        prediction at any plot's term values x0, √(σ² + x0ᵀ·Cov·x0) × t/z
        (:func:`agriremed.models.uptake.prediction_spread`), which a plan uses instead of the
        constant ``se_log10``.
        """
        names = list(self.coefficients["model_term"])
        return pd.DataFrame(np.asarray(self.result.cov_params(), float), index=names, columns=names)

    def function_row(self) -> pd.DataFrame:
        """The fitted function as a one-row ``transfer_functions.csv`` table (``se_log10`` is the
        predictive spread of :meth:`predictive_se`, not the residual SE alone; ``se_resid_log10`` is
        the residual SE and ``coef_cov`` the covariance of the coefficients, :meth:`coef_cov`, as
        written by :func:`agriremed.core.tables.format_coef_cov`, 8 significant digits)."""
        ranges = ";".join(f"{v}:{lo:.4g}..{hi:.4g}" for v, (lo, hi) in self.valid_ranges.items())
        s = self.stats
        cov = self.coef_cov()
        return pd.DataFrame([{
            "function_id": self.function_id, "fitted_crop": self.crop, "applies_to": self.crop,
            "metal": self.metal, "part": "edible part (user data)", "form": "loglinear",
            "soil_measure": self.soil_measure, "terms": self.terms_cell(), "plant_basis": self.plant_basis,
            "priority": self.priority, "usable": True, "valid_ranges": ranges, "n": s["n"],
            "r2": round(s["r2"], 4), "se_log10": round(self.predictive_se(), 4),
            "se_resid_log10": float(f"{s['se_log10']:.8g}"),
            "coef_cov": format_coef_cov(cov.index, cov.to_numpy()), "se_source": self.source_key,
            "region": self.region, "provinces": self.provinces, "source": self.source_key, "known_bias": "",
            "fit_verdict": NOT_RECOMMENDED if self.no_predictive_skill() else "",
            "note": (f"fitted by agriremed {__version__} ({self.method}) to {self.source_name}; "
                     f"n = {s['n']}, R² = {s['r2']:.3f}; se_log10 = residual SE {s['se_log10']:.4f} "
                     f"× √(1 + p/n) × t/z for new fields (in a plan, each plot's spread is "
                     f"√(se_resid_log10² + x0ᵀ·coef_cov·x0) × t/z at its own term values x0); coefficient 95 % CIs in "
                     f"{self.function_id}_coefficients.csv"
                     + "".join(f"; WARNING: {w}" for w in self.warning_texts())),
        }])

    def source_row(self) -> pd.DataFrame:
        """The ``sources.csv`` row the fitted function cites."""
        s = self.stats
        return pd.DataFrame([{
            "key": self.source_key,
            "citation": (f"User-fitted transfer function {self.function_id}: {self.method.upper()} of "
                         f"log10 plant {C.METAL_NAMES[self.metal][0]} ({self.crop}, {self.plant_basis}) "
                         f"on {', '.join(self.terms)}, fitted with agriremed {__version__} to "
                         f"{self.source_name} ({s['n']} pairs; R² = {s['r2']:.3f}; residual SE = "
                         f"{s['se_log10']:.3f} log10)."),
            "year": str(datetime.date.today().year), "doi_or_url": self.source_name,
            "status": "fitted to user data; not peer reviewed",
            "short_cite": f"user-fitted function {self.function_id}",
            "short_cite_zh": f"用户拟合函数{self.function_id}",
        }])

    def tables(self, base: Tables | None = None) -> Tables:
        """Tables with this function (and its source) added — pass them to ``plan()``.

        Parameters
        ----------
        base : Tables, optional
            Tables to add to (default: the packaged ones).
        """
        base = base or load_tables()
        tf = base.transfer_functions
        tf = pd.concat([tf.loc[tf["function_id"] != self.function_id], self.function_row()],
                       ignore_index=True)
        src = base.sources
        src = pd.concat([src.loc[src["key"] != self.source_key], self.source_row()], ignore_index=True)
        return base.replace(transfer_functions=tf, sources=src)

    # -- prediction -------------------------------------------------------------------
    def predict(self, frame: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
        """Median and prediction interval of plant metal for new soils.

        Parameters
        ----------
        frame : pandas.DataFrame
            Pairs or plots with the variables of the terms.
        alpha : float
            1 − coverage of the prediction interval.

        Returns
        -------
        pandas.DataFrame
            ``plant_fit_mg_kg``, ``plant_pi_low_mg_kg``, ``plant_pi_high_mg_kg``
            [mg kg⁻¹, the plant data's basis]; the interval includes coefficient
            uncertainty and the residual spread (t distribution, n − p degrees of
            freedom).
        """
        X = design_matrix(frame, self.terms, self.metal, self.soil_measure).to_numpy(float)
        fit, lo, hi = _prediction_interval(self.result, X, self.stats["se_log10"], alpha)
        return pd.DataFrame({"plant_fit_mg_kg": 10 ** fit, "plant_pi_low_mg_kg": 10 ** lo,
                             "plant_pi_high_mg_kg": 10 ** hi}, index=frame.index)

    def summary(self, lang: str = "en") -> str:
        """Readable report in ``lang`` (``fit.report_*`` messages): data, coefficients with CIs, fit,
        diagnostics, cross-validation; the terms, numbers and the ``transfer_functions.csv`` row as they are."""
        s = self.stats

        def t(code, **params):
            return render(Message.of(code, **params), lang)

        val = self.validation
        data = val.summary() if lang == "en" else t(
            "fit.report_validation", rows=val.n_input, valid=val.n_valid, rejected=len(val.rejected),
            errors=len(val.errors), warnings=len(val.warnings))
        lines = [t("fit.report_head", function_id=self.function_id, metal=self.metal, basis=self.plant_basis,
                   crop=self.crop, method=self.method.upper()),
                 t("fit.report_data", source=self.source_name, validation=data),
                 *[t("fit.report_note", note=text_of(n, lang)) for n in self.notes], "",
                 t("fit.report_coefficients")]
        for r in self.coefficients.itertuples(index=False):
            lines.append(f"  {r.model_term:<18} {r.coef:>9.4f}  [{r.coef_ci_low:.4f}, {r.coef_ci_high:.4f}]  "
                         f"SE {r.coef_se:.4f}  p = {r.coef_p_value:.3g}")
        lines += ["", t("fit.report_fit", n=s["n"], r2=f"{s['r2']:.3f}", r2_adj=f"{s['r2_adj']:.3f}",
                        se=f"{s['se_log10']:.3f}"),
                  t("fit.report_residuals", shapiro=f"{s['shapiro_p']:.3g}", jb=f"{s['jarque_bera_p']:.3g}",
                    bp=f"{s['breusch_pagan_p']:.3g}"),
                  t("fit.report_influential", threshold=f"{s['cooks_threshold']:.3g}", n=s["n_influential"]),
                  t("fit.report_bcf", geo=f"{s['bcf_geometric_mean']:.3g}", arith=f"{s['bcf_arithmetic_mean']:.3g}"),
                  "", t("fit.report_cv")]
        for r in self.cv.itertuples(index=False):
            lines.append(f"  {r.model:<8} {r.rmse_log10:.3f} ± {r.rmse_log10_sd:.3f}   R²cv = {r.r2_cv:.3f}")
        if self.warnings:
            lines += ["", t("fit.report_warnings"),
                      *[t("fit.report_warning", text=w) for w in self.warning_texts(lang)]]
        lines += ["", t("fit.report_row"), self.function_row().to_csv(index=False).strip()]
        return "\n".join(lines) + "\n"

def _prediction_interval(result, X: np.ndarray, scale: float, alpha: float):
    params = np.asarray(result.params, float)
    cov = np.asarray(result.cov_params(), float)
    fit = X @ params
    var_mean = np.einsum("ij,jk,ik->i", X, cov, X)
    from scipy import stats  # imported here: planning does not need scipy.stats (~0.6 s to import)

    t = stats.t.ppf(1 - alpha / 2, result.df_resid)
    half = t * np.sqrt(scale ** 2 + var_mean)
    return fit, fit - half, fit + half


class _GeometricMeanBCF:
    """log10 C_plant = log10 C_soil + log10 BCF; BCF = geometric mean of the training ratios."""

    def __init__(self):
        self.log10_bcf_ = np.nan

    def get_params(self, deep=True):  # scikit-learn estimator protocol
        return {}

    def set_params(self, **params):
        return self

    def fit(self, X, y):
        self.log10_bcf_ = float(np.mean(np.asarray(y) - np.asarray(X)[:, 0]))
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0] + self.log10_bcf_


def _cross_validate(D: np.ndarray, G: np.ndarray, log_soil: np.ndarray, y: np.ndarray, method: str,
                    folds: int, seed: int):
    from sklearn.base import clone
    from sklearn.dummy import DummyRegressor
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import HuberRegressor, LinearRegression
    from sklearn.model_selection import KFold

    kf = KFold(n_splits=folds, shuffle=True, random_state=seed)
    loglog = (LinearRegression(fit_intercept=False) if method == "ols"
              else HuberRegressor(epsilon=1.345, alpha=0.0, fit_intercept=False, max_iter=1000))
    models = {
        "loglog": (loglog, D),
        "bcf": (_GeometricMeanBCF(), log_soil[:, None]),
        "gbm": (GradientBoostingRegressor(n_estimators=200, max_depth=2, learning_rate=0.05,
                                          random_state=seed), G),
        "mean": (DummyRegressor(), D[:, :1]),
    }
    fold_of = np.empty(len(y), int)
    splits = list(kf.split(D))
    for i, (_, test) in enumerate(splits):
        fold_of[test] = i
    rows, preds = [], []
    sst = float(np.sum((y - y.mean()) ** 2))
    for name, (est, X) in models.items():
        oof = np.empty(len(y))
        rmse = []
        for train, test in splits:
            m = clone(est).fit(X[train], y[train])
            oof[test] = m.predict(X[test])
            rmse.append(float(np.sqrt(np.mean((oof[test] - y[test]) ** 2))))
        rows.append({"model": name, "rmse_log10": float(np.mean(rmse)),
                     "rmse_log10_sd": float(np.std(rmse, ddof=1)),
                     "r2_cv": 1.0 - float(np.sum((oof - y) ** 2)) / sst, "n_folds": folds})
        preds.append(pd.DataFrame({"model": name, "fold": fold_of, "log10_plant_obs": y,
                                   "log10_plant_pred": oof}))
    return pd.DataFrame(rows), preds


def fit_pairs(validation, metal: str = "cd", crop: str | None = None, terms=None, method: str = "ols",
              soil_measure: str = "total", plant_basis: str = "unknown",
              function_id: str | None = None, source_name: str = "user data (DataFrame)", stem: str = "",
              priority: int = 0, provinces: str = "", region: str = "", cv_folds: int = 5,
              seed: int = 20261123, cooks_threshold: float | None = None) -> TransferFit:
    """Fit a log–log transfer function to paired soil–plant data already checked.

    Parameters
    ----------
    validation : agriremed.io.pairs.PairsValidation
        Checked pairs (:func:`agriremed.io.pairs.validate_pairs` with the variables of
        ``terms`` as ``needed``): ``pairs`` holds the valid rows, ``input_row`` first, with
        ``soil_<metal>_mg_kg`` (or the extract column) [mg kg⁻¹], ``plant_<metal>_mg_kg``
        [mg kg⁻¹] and the variables of ``terms``; ``notes`` how they were read.
    metal, crop, method, soil_measure, plant_basis, priority, provinces, region, cv_folds, seed, cooks_threshold
        As in :func:`agriremed.io.pairs.fit_transfer_function`, which reads and checks a pairs
        file and calls this function.
    terms : sequence of str, optional
        Model terms besides the constant; default ``log10(soil)`` and ``ph``
        (:func:`agriremed.io.pairs.fit_transfer_function` chooses from :data:`DEFAULT_TERMS`
        the variables present in the table).
    function_id : str, optional
        Identifier; default ``user_<crop>_<metal>_<stem>`` (``user_<crop>_<metal>``
        without a stem).
    source_name : str
        Name of the data in the source row.
    stem : str
        File name stem of the data ("" for a DataFrame), part of the default identifier.

    Returns
    -------
    TransferFit
        Coefficients with 95 % CIs, diagnostics, cross-validation, the
        ``transfer_functions.csv`` row and the validation of the pairs.

    Raises
    ------
    FitError
        Unknown method, basis or term; no valid pairs; a pair with soil pH outside
        :data:`~agriremed.stages.uptake.PH_DOMAIN` (3–10); fewer valid pairs than
        coefficients + 3; a term that is constant in the data.

    References
    ----------
    .. [1] Seabold S., Perktold J. (2010) statsmodels: Econometric and statistical modeling
       with Python. Proc. 9th Python in Science Conference.
    """
    import statsmodels.api as sm
    from scipy import stats
    from statsmodels.stats.diagnostic import het_breuschpagan
    from statsmodels.stats.stattools import jarque_bera

    check_fit_options(metal, method, plant_basis, soil_measure)
    parsed = parse_model_terms(DEFAULT_TERMS[:2] if terms is None else terms)
    terms = tuple(name for name, _, _ in parsed)
    needed = tuple(dict.fromkeys(v for _, v, _ in parsed if v != "soil"))
    needed = tuple("ph" if v == "ph_kcl" else v for v in needed)
    v = validation
    notes = list(v.notes)
    if crop is None:
        crops = sorted(set(v.pairs["crop"])) if "crop" in v.pairs else []
        if len(crops) != 1:
            raise FitError("name the crop the function is for (crop=… / --crop): the table has "
                           + (f"crops {', '.join(crops)}" if crops else "no crop column"))
        crop = crops[0]
    if not v.ok and len(v.pairs) == 0:
        raise FitError("no valid pair to fit:\n  " + "\n  ".join(v.messages()[:20]))
    P = v.pairs
    if "ph" in needed and "ph" in P:
        # a function is never evaluated outside PH_DOMAIN: it is not fitted there either, and its
        # validity range (the range of its data) stays inside it
        ph = P["ph"].to_numpy(float)
        out = (ph < PH_DOMAIN[0]) | (ph > PH_DOMAIN[1])
        if out.any():
            rows = ", ".join(f"row {int(r)}" for r in P["input_row"].to_numpy()[out][:10])
            raise FitError(f"ph: pairs with soil pH outside {PH_DOMAIN[0]:g}–{PH_DOMAIN[1]:g}, the domain of "
                           f"the transfer functions ({rows}); expected a pH in water from {PH_DOMAIN[0]:g} to "
                           f"{PH_DOMAIN[1]:g} (validate_pairs rejects them)")
    D = design_matrix(P, terms, metal, soil_measure)
    y = np.log10(P[plant_column(metal)].to_numpy(float))
    p = D.shape[1]
    if len(P) < p + 3:
        raise FitError(f"too few valid pairs: {len(P)} for {p} coefficients (need at least {p + 3})")
    constant = [c for c in D.columns[1:] if np.nanstd(D[c].to_numpy(float)) == 0]
    if constant:
        raise FitError(f"term(s) {', '.join(constant)} are constant in the data: drop them from the terms")
    Xn = D.to_numpy(float)
    if np.linalg.matrix_rank(Xn) < p:
        raise FitError(f"the terms {', '.join(terms)} are collinear in the data: drop one of them")

    ols = sm.OLS(y, D).fit()
    if method == "ols":
        res = ols
        scale = float(np.sqrt(ols.mse_resid))
        weights = np.full(len(y), np.nan)
    else:
        res = sm.RLM(y, D, M=sm.robust.norms.HuberT()).fit()
        scale = float(res.scale)
        weights = np.asarray(res.weights, float)
    ci = np.asarray(res.conf_int(0.05), float)
    coefficients = pd.DataFrame({
        "model_term": list(D.columns), "coef": np.asarray(res.params, float),
        "coef_se": np.asarray(res.bse, float),
        "coef_ci_low": ci[:, 0], "coef_ci_high": ci[:, 1], "coef_p_value": np.asarray(res.pvalues, float)})
    fitted = np.asarray(res.fittedvalues, float)
    resid = y - fitted
    infl = ols.get_influence()
    cooks = np.asarray(infl.cooks_distance[0], float)
    cut = 4.0 / len(y) if cooks_threshold is None else float(cooks_threshold)
    fit_, lo, hi = _prediction_interval(res, Xn, scale, 0.05)
    diagnostics = pd.DataFrame({
        "input_row": P["input_row"].to_numpy(int),
        "pair_id": P["pair_id"].to_numpy(object) if "pair_id" in P else np.full(len(P), "", object),
        "log10_plant_obs": y, "log10_plant_fit": fitted, "residual_log10": resid,
        "studentized_residual": np.asarray(infl.resid_studentized_external, float),
        "leverage": np.asarray(infl.hat_matrix_diag, float), "cooks_distance": cooks,
        "influential": cooks > cut, "robust_weight": weights,
        "plant_fit_mg_kg": 10 ** fit_, "plant_pi_low_mg_kg": 10 ** lo, "plant_pi_high_mg_kg": 10 ** hi})
    sst = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid ** 2)) / sst
    n = len(y)
    log_soil = design_matrix(P, ["log10(soil)"], metal, soil_measure)["log10(soil)"].to_numpy(float)
    ratio = 10 ** (y - log_soil)
    stat = {
        "n": n, "n_params": p, "r2": r2, "r2_adj": 1.0 - (1.0 - r2) * (n - 1) / (n - p),
        "se_log10": scale, "rmse_log10": float(np.sqrt(np.mean(resid ** 2))),
        "shapiro_p": float(stats.shapiro(resid).pvalue) if 3 <= n <= 5000 else np.nan,
        "jarque_bera_p": float(jarque_bera(resid)[1]),
        "breusch_pagan_p": float(het_breuschpagan(resid, Xn)[1]),
        "n_influential": int((cooks > cut).sum()), "cooks_threshold": cut,
        "bcf_geometric_mean": float(10 ** np.mean(np.log10(ratio))),
        "bcf_arithmetic_mean": float(np.mean(ratio)),
    }
    if method == "huber":
        notes.append(Note(Message.of("fit.note_huber_r2")))
    folds = int(min(cv_folds, n))
    if folds >= 2:
        G = np.column_stack([log_soil] + [P[c].to_numpy(float) for c in needed if c in P.columns])
        cv, preds = _cross_validate(Xn, G, log_soil, y, method, folds, seed)
        cv_pred = pd.concat([p_.assign(input_row=P["input_row"].to_numpy(int)) for p_ in preds],
                            ignore_index=True)
        cv_pred = cv_pred[["input_row", "model", "fold", "log10_plant_obs", "log10_plant_pred"]]
    else:
        cv = pd.DataFrame(columns=["model", "rmse_log10", "rmse_log10_sd", "r2_cv", "n_folds"])
        cv_pred = pd.DataFrame(columns=["input_row", "model", "fold", "log10_plant_obs", "log10_plant_pred"])
        notes.append(Note(Message.of("fit.note_no_cv")))
    ranges = {}
    for _, var, _ in parsed:
        col = soil_column(metal, soil_measure) if var == "soil" else ("ph" if var == "ph_kcl" else var)
        x = P[col].to_numpy(float)
        ranges["ph" if var == "ph_kcl" else var] = (float(np.nanmin(x)), float(np.nanmax(x)))
    fid = function_id or "_".join(["user", _slug(crop), metal] + ([_slug(stem)] if stem else []))
    warnings = fit_warnings(coefficients, cv, ranges, n) + diagnostic_warnings(stat, diagnostics, method)
    return TransferFit(
        function_id=fid, crop=crop, metal=metal, soil_measure=soil_measure, plant_basis=plant_basis,
        method=method, terms=terms, coefficients=coefficients, diagnostics=diagnostics, cv=cv,
        cv_predictions=cv_pred, stats=stat, valid_ranges=ranges, validation=v, source_key=f"data_{fid}",
        source_name=str(source_name), notes=notes,
        priority=priority, provinces=provinces, region=region, result=res, warnings=warnings)


#: Fewest pairs a fit should have: 30, and 10 per coefficient (the constant included).
MIN_PAIRS, PAIRS_PER_COEF = 30, 10
#: Narrowest data range of a term for its slope to be estimated: 1 pH unit; for a log10 term,
#: a factor of 2 between the smallest and largest value (0.301 log10 units).
MIN_PH_RANGE, MIN_LOG10_RANGE = 1.0, float(np.log10(2.0))


def fit_warnings(coefficients: pd.DataFrame, cv: pd.DataFrame, ranges: dict, n: int) -> list:
    """Warnings on a fit that runs but may not be fit for use (agriremed's own rules).

    * fewer than :data:`MIN_PAIRS` pairs or fewer than :data:`PAIRS_PER_COEF` per
      coefficient (the constant included);
    * a cross-validated R² of the log–log model not above that of the BCF model or of the
      mean (it predicts new pairs no better than the simpler model);
    * a term whose 95 % CI includes 0 and is wider than twice the coefficient's magnitude
      (the data do not tell its sign);
    * a term whose data range is too narrow to estimate its slope: pH (or pH-KCl) spanning
      less than :data:`MIN_PH_RANGE` (1 pH unit), a log10 term spanning less than a factor
      of 2 (:data:`MIN_LOG10_RANGE`).

    The function is still written: the warnings go to the console, the summary and the
    ``note`` of the function row.

    Parameters
    ----------
    coefficients : pandas.DataFrame
        ``model_term``, ``coef``, ``coef_ci_low``, ``coef_ci_high`` (log10 units per unit of term).
    cv : pandas.DataFrame
        Cross-validation (``model``, ``r2_cv``); empty when skipped.
    ranges : dict
        Data range ``{variable: (min, max)}`` of each term's variable.
    n : int
        Number of pairs fitted.

    Returns
    -------
    list of Message
        Codes ``fit.warn_*``.
    """
    out = []
    p = len(coefficients)
    need = max(MIN_PAIRS, PAIRS_PER_COEF * p)
    if n < need:
        out.append(Message.of("fit.warn_small_n", n=n, p=p, need=need))
    r2 = dict(zip(cv["model"], pd.to_numeric(cv["r2_cv"]), strict=True)) if len(cv) else {}
    if "loglog" in r2:
        rival = max(("bcf", "mean"), key=lambda m: r2.get(m, -np.inf))
        if rival in r2 and not r2["loglog"] > r2[rival]:
            out.append(Message.of("fit.warn_cv", r2=r2["loglog"], model=rival, r2_other=r2[rival]))
    for r in coefficients.itertuples(index=False):
        if r.model_term == "const":
            continue
        width = r.coef_ci_high - r.coef_ci_low
        if r.coef_ci_low <= 0 <= r.coef_ci_high and width > 2 * abs(r.coef):
            out.append(Message.of("fit.warn_coef_ci", term=r.model_term, coef=r.coef, lo=r.coef_ci_low,
                                  hi=r.coef_ci_high))
    for term in coefficients["model_term"]:
        m = TERM_RE.match(term)
        var = None if m is None or term == "const" else (m["var"] or m["plain"])
        var = "ph" if var == "ph_kcl" else var
        if var not in ranges:
            continue
        lo, hi = ranges[var]
        if m["fn"] and lo > 0 and np.log10(hi / lo) < MIN_LOG10_RANGE:
            out.append(Message.of("fit.warn_narrow_log_range", term=term, lo=lo, hi=hi))
        elif not m["fn"] and var == "ph" and hi - lo < MIN_PH_RANGE:
            out.append(Message.of("fit.warn_narrow_ph", term=term, lo=lo, hi=hi, need=MIN_PH_RANGE))
    return out


#: p-value of a residual test below which the fit is warned about (agriremed's own rule).
DIAGNOSTIC_P = 0.01


def diagnostic_warnings(stats: dict, diagnostics: pd.DataFrame, method: str) -> list:
    """Warnings when the residual diagnostics fail (p < :data:`DIAGNOSTIC_P`, agriremed's rule).

    * Shapiro–Wilk (or, above 5000 pairs, Jarque–Bera) p < 0.01: the residuals are not normal,
      so ``se_log10`` and the exceedance probabilities of a plan, which assume a normal
      spread in log10, are off; outliers are the usual cause — the warning names the
      influential rows and, for an OLS fit, suggests ``--method huber``;
    * Breusch–Pagan p < 0.01: the spread changes with the terms (heteroscedasticity), so one
      ``se_log10`` is too wide for some soils and too narrow for others.

    Parameters
    ----------
    stats : dict
        ``shapiro_p``, ``jarque_bera_p``, ``breusch_pagan_p`` of the fit.
    diagnostics : pandas.DataFrame
        Per-pair diagnostics (``input_row``, ``cooks_distance``, ``influential``).
    method : str
        ``ols`` or ``huber``.

    Returns
    -------
    list of Message
        Codes ``fit.warn_nonnormal`` and ``fit.warn_heteroscedastic``.
    """
    out = []
    p_norm = stats["shapiro_p"] if np.isfinite(stats["shapiro_p"]) else stats["jarque_bera_p"]
    if np.isfinite(p_norm) and p_norm < DIAGNOSTIC_P:
        infl = diagnostics.loc[diagnostics["influential"]].sort_values("cooks_distance", ascending=False)
        rows = ", ".join(str(int(r)) for r in infl["input_row"].head(10))
        out.append(Message.of("fit.warn_nonnormal", p=p_norm, n=len(infl),
                              rows=rows + (" …" if len(infl) > 10 else "") if rows else "–",
                              tail=Message.of("fit.try_huber") if method == "ols" else Message()))
    p_bp = stats["breusch_pagan_p"]
    if np.isfinite(p_bp) and p_bp < DIAGNOSTIC_P:
        out.append(Message.of("fit.warn_heteroscedastic", p=p_bp))
    return out
