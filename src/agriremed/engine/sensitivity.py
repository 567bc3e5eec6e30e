"""One-at-a-time sensitivity of a plan result to the ranges of the literature tables.

:func:`tornado` re-plans one plot with each uncertain table value set to the low and
then to the high end of its range (everything else typical, no Monte Carlo, only the option and the do-nothing
baseline planned) and reports how far an output moves: the data behind a tornado plot.
The values varied are the rows
that parameterise the chosen option (``option_parameters.csv``; for a package such as VIP+n
also the crop reductions of its components, ``option_packages.csv``), its biomass yield
(``biomass_yields.csv``) and the price and production cost of the crop the option grows
or the plot's current crop (``prices.csv``). The plan itself is computed by
:func:`agriremed.plan`, so the numbers are those of the full pipeline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from agriremed.core.scenario import Scenario
from agriremed.core.tables import Tables, load_tables
from agriremed.engine.plan import plan
from agriremed.io.validate import validate_plots

__all__ = ["sensitivity_rows", "tornado", "with_values"]


def sensitivity_rows(tables: Tables, option_id: str, crops=()) -> list[tuple[str, str, int, str]]:
    """Table rows with a range that bear on one option.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    option_id : str
        Option.
    crops : iterable of str
        Crops whose price and production cost are varied.

    Returns
    -------
    list of tuple
        ``(label, table name, row position, unit)`` for every row whose low and high
        differ.
    """
    out = []
    p = tables.option_parameters.reset_index(drop=True)
    for i, r in p.loc[p["option_id"] == option_id].iterrows():
        if r["low"] < r["high"]:
            metal = f" ({r['metal']})" if isinstance(r["metal"], str) and r["metal"] else ""
            out.append((f"{r['parameter']}{metal}", "option_parameters", i, r["unit"]))
    pk = getattr(tables, "option_packages", None)
    comps = [] if pk is None else list(pk.loc[pk["package_id"] == option_id, "component_option_id"])
    for i, r in p.loc[p["option_id"].isin(comps) & (p["parameter"] == "crop_reduction_frac")].iterrows():
        if r["low"] < r["high"]:  # a package's reduction is built from its components' rows
            metal = f" ({r['metal']})" if isinstance(r["metal"], str) and r["metal"] else ""
            out.append((f"{r['parameter']}{metal} of {r['option_id']}", "option_parameters", i, r["unit"]))
    species = tables.options.set_index("option_id").loc[option_id, "species"]
    y = tables.biomass_yields.reset_index(drop=True)
    for i, r in y.loc[(y["species"] == species) & (y["land"] == "contaminated")].iterrows():
        if r["low"] < r["high"]:
            out.append(("biomass yield", "biomass_yields", i, r["unit"]))
    pr = tables.prices.reset_index(drop=True)
    for i, r in pr.loc[pr["crop"].isin(list(crops)) & pr["item"].isin(
            ["crop_price_cny_t", "production_cost_cny_ha_yr"])].iterrows():
        if r["low"] < r["high"]:
            out.append((f"{r['item']} ({r['crop']})", "prices", i, r["unit"]))
    return out


def _with_value(tables: Tables, name: str, pos: int, which: str) -> Tables:
    v = float(getattr(tables, name).reset_index(drop=True).loc[pos, which])
    return with_values(tables, {(name, pos): v})


def with_values(tables: Tables, values) -> Tables:
    """Tables with some range rows fixed at one value each.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    values : mapping
        ``{(table name, row position): value}``; low, typical and high of each row are set
        to the value (in the row's unit), so a plan without Monte Carlo uses it.

    Returns
    -------
    Tables
        A copy; ``tables`` is unchanged.
    """
    by_table: dict[str, list] = {}
    for (name, pos), v in values.items():
        by_table.setdefault(name, []).append((pos, float(v)))
    new = {}
    for name, items in by_table.items():
        df = getattr(tables, name).reset_index(drop=True).copy()
        cols = ["low", "typical", "high"]
        df[cols] = df[cols].astype(float)          # an integer column takes any value of its range
        for pos, v in items:
            df.loc[pos, ["low", "typical", "high"]] = [v, v, v]
        new[name] = df
    return tables.replace(**new)


class SensitivitySetup:
    """One plot, one option and the table rows to vary, as :func:`tornado` evaluates them."""

    def __init__(self, plots, plot_id: str, option_id: str | None, output: str,
                 scenario: Scenario | None, tables: Tables | None):
        self.tables = tables = tables or load_tables()
        scenario = (scenario or Scenario()).replace(mc_draws=0)
        v = validate_plots(plots, tables) if not isinstance(plots, pd.DataFrame) or "input_row" not in plots \
            else None
        P = v.plots if v is not None else plots
        self.one = one = P.loc[P["plot_id"] == plot_id].reset_index(drop=True)
        if one.empty:
            raise KeyError(f"plot {plot_id!r} is not among the valid plots")
        self._plan = plan
        if option_id is None:
            full = self.run(tables, scenario)
            option_id = str(full.index[full["recommended"].to_numpy(bool)][0])
        self.option_id, self.output, self.plot_id = option_id, output, plot_id
        self.scenario = scenario.replace(options=(option_id,))   # the option and the baseline are enough
        base_table = self.run(tables, self.scenario)
        if output not in base_table.columns:
            raise KeyError(f"{output!r} is not a column of the plan table")
        self.base = float(base_table.loc[option_id, output])
        crops = {str(base_table.loc[option_id, "food_crop"]), str(one["crop"].iloc[0])} - {"none", "nan"}
        self.rows = sensitivity_rows(tables, option_id, crops)

    def run(self, t: Tables, sc: Scenario) -> pd.DataFrame:
        return self._plan(self.one, sc, tables=t, progress=False).table.set_index("option_id")

    def value(self, t: Tables) -> float:
        """The output with tables ``t``."""
        return float(self.run(t, self.scenario).loc[self.option_id, self.output])


def tornado(plots, plot_id: str, option_id: str | None = None, output: str = "npv_vs_baseline_cny_ha",
            scenario: Scenario | None = None, tables: Tables | None = None,
            progress: bool | None = None) -> pd.DataFrame:
    """Swing of one output of one plot × option when each table value goes to its low and high end.

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
        ``years_to_target``, ``score``).
    scenario : Scenario, optional
        Scenario (its Monte Carlo draws are switched off here).
    tables : Tables, optional
        Literature tables.
    progress : bool, optional
        Show a progress bar (default: only on an interactive terminal or notebook).

    Returns
    -------
    pandas.DataFrame
        One row per varied value, largest swing first: ``parameter``, ``unit``,
        ``low``, ``high`` (the table's range), ``output_at_low``, ``output_at_high``,
        ``base`` (all values typical) and ``swing`` (|high − low| of the output, in the
        output's unit); attributes ``plot_id``, ``option_id`` and ``output`` name what
        was analysed.

    Examples
    --------
    >>> t = tornado("data/samples/plots.csv", "HN-ZZ-01", "sedum_plumbizincicola",
    ...             "years_to_target")                                   # doctest: +SKIP
    >>> t[["parameter", "output_at_low", "output_at_high"]].head(3)     # doctest: +SKIP
    """
    st = SensitivitySetup(plots, plot_id, option_id, output, scenario, tables)
    tables, option_id, base = st.tables, st.option_id, st.base
    rows = []
    todo = st.rows
    bar = tqdm(todo, desc="tornado", unit="value", leave=False,
               disable=(not progress) if progress is not None else None)
    for label, name, pos, unit in bar:
        src = getattr(tables, name).reset_index(drop=True)
        lo, hi = float(src.loc[pos, "low"]), float(src.loc[pos, "high"])
        at = {w: st.value(_with_value(tables, name, pos, w)) for w in ("low", "high")}
        rows.append({"parameter": label, "unit": unit, "low": lo, "high": hi, "output_at_low": at["low"],
                     "output_at_high": at["high"], "base": base})
    out = pd.DataFrame(rows, columns=["parameter", "unit", "low", "high", "output_at_low", "output_at_high",
                                      "base"])
    with np.errstate(invalid="ignore"):
        out["swing"] = np.abs(out["output_at_high"] - out["output_at_low"])
    out = out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs.update(plot_id=plot_id, option_id=option_id, output=output)
    return out
