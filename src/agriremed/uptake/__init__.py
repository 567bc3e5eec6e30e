"""Soil → crop uptake: the transfer-function library, food-limit checks, safe soil
thresholds and fitting transfer functions to paired soil–plant data.

The stage is split in three modules, all re-exported here:

* :mod:`agriremed.uptake.predict` — evaluate published (or user) transfer functions,
  choose one per plot × crop × metal by a readable rule, give the median and the 5–95 %
  interval on the dry-weight and as-sold basis, and the probability of exceeding a food
  limit;
* :mod:`agriremed.uptake.thresholds` — the inverse: the soil concentration (or pH) at
  which a crop meets its food limit with a chosen probability ("safe soil threshold");
* :mod:`agriremed.uptake.fit` — fit a log–log transfer function to paired soil–plant data
  (statsmodels OLS or robust Huber regression, diagnostics, cross-validated comparison
  with a BCF and a gradient-boosting model) and save it as a ``transfer_functions.csv``
  row that :func:`agriremed.plan` uses like a published one.
"""

from .predict import (  # noqa: F401
    crop_compliance,
    evaluate_function,
    food_safety,
    parse_ranges,
    parse_terms,
    ph_kcl_from_ph_water,
    ph_water_from_ph_kcl,
    predict_crop_concentration,
)
from .fit import DEFAULT_TERMS, FitError, TransferFit, fit_transfer_function  # noqa: F401
from .pairs import PairsValidation, validate_pairs  # noqa: F401
from .thresholds import (  # noqa: F401
    critical_median,
    safe_ph,
    safe_soil_concentration,
    safe_soil_curve,
    safe_thresholds,
    solve_for_input,
)

__all__ = [
    "ph_kcl_from_ph_water",
    "ph_water_from_ph_kcl",
    "parse_terms",
    "parse_ranges",
    "evaluate_function",
    "predict_crop_concentration",
    "food_safety",
    "crop_compliance",
    "critical_median",
    "solve_for_input",
    "safe_soil_concentration",
    "safe_ph",
    "safe_thresholds",
    "safe_soil_curve",
    "fit_transfer_function",
    "TransferFit",
    "FitError",
    "DEFAULT_TERMS",
    "validate_pairs",
    "PairsValidation",
]
