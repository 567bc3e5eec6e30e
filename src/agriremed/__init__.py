"""agriremed — plan the remediation of heavy-metal-contaminated farmland and marginal land.

For each plot: GB 15618 soil class, predicted metal in the crop against food limits,
remediation options with their duration, biomass, energy, carbon, economics and a
transparent ranking, reported as tables and an offline HTML report.

>>> import agriremed
>>> p = agriremed.plan("data/samples/plots.csv")   # doctest: +SKIP
>>> p.write("out/")                                 # doctest: +SKIP
"""

__version__ = "0.1.0"

from .scenario import Scenario  # noqa: E402
from .tables import Tables, load_tables  # noqa: E402
from .validate import Validation, validate_plots  # noqa: E402
from .plan import Plan, plan  # noqa: E402
from .stream import StreamResult, plan_stream  # noqa: E402

__all__ = ["__version__", "plan", "Plan", "plan_stream", "StreamResult", "Scenario", "Tables", "load_tables", "validate_plots",
           "Validation"]
