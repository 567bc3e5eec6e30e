"""Soil → crop uptake: the transfer-function library, food-limit checks, safe soil
thresholds and fitting transfer functions to paired soil–plant data.

The stage is split in three modules, all re-exported here:

* :mod:`agriremed.stages.uptake.predict` — evaluate published (or user) transfer functions,
  choose one per plot × crop × metal by a readable rule, give the median and the 5–95 %
  interval on the dry-weight and as-sold basis, and the probability of exceeding a food
  limit;
* :mod:`agriremed.stages.uptake.thresholds` — the inverse: the soil concentration (or pH) at
  which a crop meets its food limit with a chosen probability ("safe soil threshold");
* :mod:`agriremed.stages.uptake.fit` — fit a log–log transfer function to paired soil–plant data
  checked by :mod:`agriremed.io.pairs` (statsmodels OLS or robust Huber regression, diagnostics,
  cross-validated comparison with a BCF and a gradient-boosting model) and save it as a ``transfer_functions.csv``
  row that :func:`agriremed.plan` uses like a published one;
* :mod:`agriremed.stages.uptake.skill` — out-of-sample skill of a function on paired data it was
  not fitted on (bias, RMSE, rank correlation, interval coverage, Brier score, AUC,
  reliability).
"""

from agriremed.stages.uptake import predict as _predict
from agriremed.stages.uptake import skill  # noqa: F401
from agriremed.stages.uptake import thresholds as _thresholds
from agriremed.stages.uptake.fit import DEFAULT_TERMS, FitError, TransferFit, fit_pairs  # noqa: F401
from agriremed.stages.uptake.predict import *  # noqa: F401,F403
from agriremed.stages.uptake.thresholds import *  # noqa: F401,F403

__all__ = [*_predict.__all__, *_thresholds.__all__, "fit_pairs", "TransferFit", "FitError",
           "DEFAULT_TERMS"]
