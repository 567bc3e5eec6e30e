"""agriremed — plan the remediation of heavy-metal-contaminated farmland and marginal land.

For each plot: GB 15618 soil class, predicted metal in the crop against food limits,
remediation options with their duration, biomass, energy, carbon, economics and a
transparent ranking, reported as tables and an offline HTML report.

>>> import agriremed
>>> p = agriremed.plan("data/samples/plots.csv")   # doctest: +SKIP
>>> p.write("out/")                                 # doctest: +SKIP
"""

from agriremed.core.version import __version__

from agriremed.engine.plan import Plan, plan  # noqa: E402
from agriremed.core.scenario import Scenario  # noqa: E402
from agriremed.engine.stream import StreamResult, plan_stream  # noqa: E402
from agriremed.core.tables import Tables, load_tables  # noqa: E402
from agriremed.io.validate import Validation, validate_plots  # noqa: E402

__all__ = ["__version__", "plan", "Plan", "plan_stream", "StreamResult", "Scenario", "Tables", "load_tables",
           "validate_plots", "Validation"]
