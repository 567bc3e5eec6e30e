"""The literature tables that parameterise every model stage.

Every coefficient, limit, yield, factor and price that agriremed uses lives in a CSV
table in ``agriremed/data``, one row per value or function, with a ``source`` column
holding one or more keys (separated by ``;``) of ``sources.csv``. Nothing from the
literature is written into the model code.

Users adapt the planner by editing copies of these tables (another jurisdiction's
threshold set, local prices, a fitted transfer function) and passing them in::

    from agriremed.core.tables import load_tables
    t = load_tables()
    t2 = t.replace(prices=my_prices)          # or load_tables("my_tables/")
    agriremed.plan(plots, tables=t2)

Ranges are three columns ``low``, ``typical``, ``high``: the deterministic run uses
``typical``; the Monte Carlo run samples a triangular distribution over the range.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import hashlib
import threading
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Tables", "load_tables", "source_problems", "TABLE_FILES", "split_keys", "MERGE_KEYS",
           "packaged_data_digest", "tables_digest", "folder_digest",
           "TableError", "format_coef_cov", "parse_coef_cov", "term_names", "NOT_RECOMMENDED"]

#: Table name → file name inside the data directory.
TABLE_FILES: dict[str, str] = {
    "sources": "sources.csv",
    "soil_thresholds": "soil_thresholds.csv",
    "food_limits": "food_limits.csv",
    "crops": "crops.csv",
    "transfer_functions": "transfer_functions.csv",
    "options": "options.csv",
    "option_parameters": "option_parameters.csv",
    "biomass_yields": "biomass_yields.csv",
    "biochar_carbon": "biochar_carbon.csv",
    "biochar_permanence": "biochar_permanence.csv",
    "soc_factors": "soc_factors.csv",
    "soc_reference": "soc_reference.csv",
    "factors": "factors.csv",
    "prices": "prices.csv",
    "traffic_lights": "traffic_lights.csv",
    "biomass_properties": "biomass_properties.csv",
    "yield_adjustments": "yield_adjustments.csv",
    "metal_partitioning": "metal_partitioning.csv",
    "land_application_limits": "land_application_limits.csv",
    "puro_persistence": "puro_persistence.csv",
    "biochar_feedstock_effects": "biochar_feedstock_effects.csv",
    "exchange_rates": "exchange_rates.csv",
    "provinces": "provinces.csv",
    "uptake_slopes": "uptake_slopes.csv",
    "uptake_surveys": "uptake_surveys.csv",
    "land_rules": "land_rules.csv",
    "noncompliant_grain": "noncompliant_grain.csv",
    "subsidies": "subsidies.csv",
    "paddy_ch4": "paddy_ch4.csv",
    "paddy_water_regime": "paddy_water_regime.csv",
    "gwp": "gwp.csv",
    "carbon_credit_terms": "carbon_credit_terms.csv",
    "biochar_credit_rules": "biochar_credit_rules.csv",
    "yield_establishment": "yield_establishment.csv",
    "transport_distances": "transport_distances.csv",
    "pv_parameters": "pv_parameters.csv",
    "solar_resource": "solar_resource.csv",
    "place_coordinates": "place_coordinates.csv",
    "pv_tariffs": "pv_tariffs.csv",
    "gb36600_values": "gb36600_values.csv",
    "reuse_options": "reuse_options.csv",
    "opportunity_rules": "opportunity_rules.csv",
    "option_packages": "option_packages.csv",
    "option_steps": "option_steps.csv",
    "monitoring_rules": "monitoring_rules.csv",
    "rice_seasons": "rice_seasons.csv",
    "wheat_seasons": "wheat_seasons.csv",
    "harvest_standards": "harvest_standards.csv",
    "soil_method_precision": "soil_method_precision.csv",
    "soil_ph_precision": "soil_ph_precision.csv",
    "covariate_defaults": "covariate_defaults.csv",
    "option_latitude_limits": "option_latitude_limits.csv",
    "programme_evidence": "programme_evidence.csv",
}


#: Entries of Monte Carlo draws kept per :class:`Tables` object (:meth:`Tables.memo_draws`).
DRAW_MEMO_SIZE = 256
_DRAW_MEMO_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True)
class Tables:
    """All literature tables, as DataFrames (treat them as read-only).

    Use :meth:`replace` to swap in edited tables; the stage functions take a
    ``Tables`` argument, so a plan can run on user tables without touching the
    package data.
    """

    sources: pd.DataFrame
    soil_thresholds: pd.DataFrame
    food_limits: pd.DataFrame
    crops: pd.DataFrame
    transfer_functions: pd.DataFrame
    options: pd.DataFrame
    option_parameters: pd.DataFrame
    biomass_yields: pd.DataFrame
    biochar_carbon: pd.DataFrame
    biochar_permanence: pd.DataFrame
    soc_factors: pd.DataFrame
    soc_reference: pd.DataFrame
    factors: pd.DataFrame
    prices: pd.DataFrame
    traffic_lights: pd.DataFrame
    biomass_properties: pd.DataFrame
    yield_adjustments: pd.DataFrame
    metal_partitioning: pd.DataFrame
    land_application_limits: pd.DataFrame
    puro_persistence: pd.DataFrame
    biochar_feedstock_effects: pd.DataFrame
    exchange_rates: pd.DataFrame
    provinces: pd.DataFrame
    uptake_slopes: pd.DataFrame
    uptake_surveys: pd.DataFrame
    land_rules: pd.DataFrame
    noncompliant_grain: pd.DataFrame
    subsidies: pd.DataFrame
    paddy_ch4: pd.DataFrame
    paddy_water_regime: pd.DataFrame
    gwp: pd.DataFrame
    carbon_credit_terms: pd.DataFrame
    biochar_credit_rules: pd.DataFrame
    yield_establishment: pd.DataFrame
    transport_distances: pd.DataFrame
    pv_parameters: pd.DataFrame
    solar_resource: pd.DataFrame
    place_coordinates: pd.DataFrame
    pv_tariffs: pd.DataFrame
    gb36600_values: pd.DataFrame
    reuse_options: pd.DataFrame
    opportunity_rules: pd.DataFrame
    option_packages: pd.DataFrame
    option_steps: pd.DataFrame
    monitoring_rules: pd.DataFrame
    rice_seasons: pd.DataFrame
    wheat_seasons: pd.DataFrame
    harvest_standards: pd.DataFrame
    soil_method_precision: pd.DataFrame
    soil_ph_precision: pd.DataFrame
    covariate_defaults: pd.DataFrame
    option_latitude_limits: pd.DataFrame
    programme_evidence: pd.DataFrame
    #: Lookups derived from the tables, built on first use (a replaced copy starts empty).
    _memo: dict = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)
    #: Monte Carlo draws derived from the tables, by (what, draws, seed); the least recently
    #: used are dropped beyond :data:`DRAW_MEMO_SIZE` entries, so sweeps over seeds stay bounded.
    _draw_memo: collections.OrderedDict = dataclasses.field(
        default_factory=collections.OrderedDict, init=False, repr=False, compare=False)
    #: The user table folder these tables were loaded from (:func:`load_tables`): ``path``,
    #: ``files`` read from it and their ``sha256`` (:func:`folder_digest`); ``None`` without one.
    user_folder: dict | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def replace(self, **tables: pd.DataFrame) -> Tables:
        """Return a copy with some tables replaced (the record of the user folder is kept)."""
        new = dataclasses.replace(self, **tables)
        object.__setattr__(new, "user_folder", self.user_folder)
        return new

    def __getstate__(self) -> dict:
        # the tables only: the lookups and draws derived from them are rebuilt on first use
        # (they may hold objects pickle cannot name, such as itertuples' row classes)
        return {**{name: df for name, df in self.items()}, "user_folder": self.user_folder}

    def __setstate__(self, state: dict) -> None:
        object.__setattr__(self, "user_folder", None)
        for name, df in state.items():
            object.__setattr__(self, name, df)
        object.__setattr__(self, "_memo", {})
        object.__setattr__(self, "_draw_memo", collections.OrderedDict())

    def memo(self, key, build):
        """The lookup ``key`` derived from these tables: ``build()`` on first use, then kept.

        The tables are read-only, so a lookup (an indexed table, a dict) built from them
        stays valid for the life of this object; :meth:`replace` gives a copy with none.
        """
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def food_crops(self) -> tuple:
        """The crops grown as food (``food`` in ``crops.csv``), in table order, found once."""
        return self.memo("food_crops", lambda: tuple(self.crops.loc[self.crops["food"], "crop"].tolist()))

    def food_limited_metals(self) -> tuple:
        """Metals some food standard limits in some crop (``metal`` of ``food_limits.csv``); a metal
        outside them (Cu, Zn, Ni) cannot make a crop fail a food limit."""
        return self.memo("food_limited_metals", lambda: tuple(sorted(set(self.food_limits["metal"]))))

    def predicted_crops(self) -> tuple:
        """Crops some usable transfer function predicts (``applies_to`` of the ``usable`` rows of
        ``transfer_functions.csv``, user-fitted functions included); a crop outside them (cassava,
        banana, an unnamed vegetable) has no predicted metal uptake."""
        def build():
            tf = self.transfer_functions
            rows = tf.loc[tf["usable"].astype(bool), "applies_to"].dropna().astype(str)
            return tuple(sorted({c.strip() for cell in rows for c in cell.split("|") if c.strip()}))
        return self.memo("predicted_crops", build)

    def over_predicting_functions(self) -> frozenset:
        """Transfer functions (``function_id``) whose ``known_bias`` in ``transfer_functions.csv`` is
        ``over_predicts``: independent checks find their predictions above what was observed (the maize Cd
        synthesis, the pH-blind national BCFs); empty without the column. A user-fitted function has none."""
        def build():
            tf = self.transfer_functions
            if "known_bias" not in tf:
                return frozenset()
            bias = tf["known_bias"].fillna("").astype(str).str.strip()
            return frozenset(tf.loc[bias == OVER_PREDICTS, "function_id"].astype(str))
        return self.memo("over_predicting_functions", build)

    def nonfood_grown_crops(self) -> tuple:
        """Codes of the non-food crops grown on a plot (``food`` false; ``none``, no crop, excluded)."""
        return self.memo("nonfood_grown_crops", lambda: tuple(
            self.crops.loc[~self.crops["food"] & (self.crops["crop_group"] != "none"), "crop"].tolist()))

    def substitute_grown_crops(self) -> tuple:
        """Codes of the food crops grown as substitute crops on Cd-polluted land (``substitute_crop``
        true in ``crops.csv``, e.g. rapeseed: its oil carries little Cd); empty without the column."""
        def build():
            c = self.crops
            if "substitute_crop" not in c:
                return ()
            flag = c["substitute_crop"].astype(str).str.strip().str.lower().eq("true")
            return tuple(c.loc[flag & c["food"], "crop"].tolist())
        return self.memo("substitute_grown_crops", build)

    def land_use_reference_crops(self) -> dict:
        """Land use → its reference food crop (``land_use_reference`` true in ``crops.csv``, per
        ``land_use_reference_source``: rice on paddy, maize on upland, vegetables of no given type on
        vegetable land), whose yield the ranking's food criteria measure an option against on land of
        that use idle now (:func:`agriremed.stages.ranking.criteria_values`); the first flagged crop of a
        land use counts. Empty without the column; a land use without a flagged food crop has none.

        The packaged table flags none for orchards (园地) or marginal land, on purpose: the reference stands
        for the food that cultivated land (耕地: 水田, 旱地, vegetable land; GB/T 21010-2017) idle now is
        kept for (国办发〔2020〕44号). An orchard, tea garden or mulberry field is other agricultural land, not
        cultivated land, and one idle now (crop ``none``) has no known fruit: its crops differ in yield and
        product (citrus, apple, tea, mulberry for silk) and the table has no fruit of no given type (as
        ``vegetable_unspecified`` is for vegetables); an orchard whose fruit is known is not idle and is
        measured against that fruit. Marginal land (wasteland, mine, brownfield) is no food land. On both the
        food criteria stay not assessed; a user table may flag a crop of its own for them."""
        def build():
            c = self.crops
            if "land_use_reference" not in c or "land_use" not in c:
                return {}
            flag = c["land_use_reference"].astype(str).str.strip().str.lower().eq("true") & c["food"]
            out: dict = {}
            for lu, crop in zip(c.loc[flag, "land_use"], c.loc[flag, "crop"], strict=True):
                if isinstance(lu, str) and lu.strip():
                    out.setdefault(lu.strip(), crop)
            return out
        return self.memo("land_use_reference_crops", build)

    def cereal_crops(self) -> tuple:
        """Codes of the cereals (``cereal`` true in ``crops.csv``: rice, wheat, maize, the GB 2762 cereals, sold as
        grain nearly dry, per ``cereal_source``); empty without the column. A metal measured in their grain on a
        dry-weight basis is at most a little above its value as sold."""
        def build():
            c = self.crops
            if "cereal" not in c:
                return ()
            flag = c["cereal"].astype(str).str.strip().str.lower().eq("true")
            return tuple(c.loc[flag, "crop"].tolist())
        return self.memo("cereal_crops", build)

    def substitute_metals(self) -> dict:
        """Substitute crop → the metals it is documented to keep out of its product
        (``substitute_metals`` of ``crops.csv``, '|'-separated: rapeseed ``cd``, per its
        ``substitute_source``); a crop without the column or an entry keeps none."""
        def build():
            c = self.crops
            if "substitute_metals" not in c:
                return {}
            return {crop: frozenset(m.strip().lower() for m in str(v).split("|") if m.strip())
                    for crop, v in zip(c["crop"], c["substitute_metals"].fillna(""), strict=True)}
        return self.memo("substitute_metals", build)

    def rows(self, name: str) -> list:
        """The rows of table ``name`` as named tuples (``itertuples(index=False)``), built once.

        For the stages that walk the few rows of a literature table (rules, adjustments).
        """
        return self.memo(("rows", name), lambda: list(getattr(self, name).itertuples(index=False)))

    def memo_draws(self, key, build):
        """Like :meth:`memo` for Monte Carlo draws (``key`` includes the draws and the seed).

        The result is made read-only; at most :data:`DRAW_MEMO_SIZE` entries are kept,
        the least recently used dropped first.
        """
        cache = self._draw_memo
        with _DRAW_MEMO_LOCK:  # dashboards may plan in several threads at once
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        value = build()
        for a in value if isinstance(value, tuple) else (value,):
            if isinstance(a, np.ndarray):
                a.flags.writeable = False
        with _DRAW_MEMO_LOCK:
            cache[key] = value
            while len(cache) > DRAW_MEMO_SIZE:
                cache.popitem(last=False)
        return value

    def items(self):
        """(name, DataFrame) pairs of all tables."""
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self) if f.init]

    # -- small lookups used by several stages ---------------------------------------
    def factor(self, name: str, which: str = "typical") -> float:
        """Value of a scalar factor from ``factors.csv`` (``which`` = low/typical/high)."""
        first = self.memo("factors", lambda: self.factors.drop_duplicates("factor").set_index("factor"))
        # one column as a dict, built once: a frame lookup per factor costs more than the stages' use
        values = self.memo(("factor_values", which), lambda: dict(zip(first.index.tolist(), first[which].tolist(),
                                                                      strict=True)))
        if name not in values:
            raise KeyError(f"factor {name!r} is not in factors.csv")
        return float(values[name])

    def indexed(self, name: str, key) -> pd.DataFrame:
        """Table ``name`` indexed by column(s) ``key`` (``set_index``), built once and shared:
        callers must not modify it."""
        k = tuple(key) if isinstance(key, list | tuple) else key
        return self.memo(("indexed", name, k), lambda: getattr(self, name).set_index(
            list(k) if isinstance(k, tuple) else k))

    def light_thresholds(self, view: str = "combined") -> dict[str, dict[str, float]]:
        """Criterion → ``{green_at_least, amber_at_least, utility_zero_at, utility_one_at}``
        from ``traffic_lights.csv`` (in the criterion's unit), for the economics view ``view``.

        A row whose ``view`` cell names the view (``combined``, ``farmer``, ``programme``: the
        scenario's ``economics_view``) is used for it before a row with a blank ``view``, which holds
        for every view (a table without the column: every row is blank); of several rows of a
        criterion for the same view, the first. The packaged table has one economics row per view
        (the utility's scale follows whose money is counted) and blank rows for the other criteria.

        Raises
        ------
        ValueError
            If ``view`` is not an economics view, or a ``view`` cell names none.
        """
        if view not in LIGHT_VIEWS:
            raise ValueError(f"view {view!r} is not one of {', '.join(LIGHT_VIEWS)}")

        def build():
            tl = self.traffic_lights
            cell = (tl["view"].fillna("").astype(str).str.strip() if "view" in tl
                    else pd.Series("", index=tl.index))
            bad = sorted(set(cell) - {"", *LIGHT_VIEWS})
            if bad:
                raise ValueError(f"traffic_lights.csv, column view: {', '.join(map(repr, bad))}; expected blank "
                                 f"(every view) or one of {', '.join(LIGHT_VIEWS)}")
            mine = tl.loc[(cell == view).to_numpy()]
            rest = tl.loc[(cell == "").to_numpy()]
            t = pd.concat([mine, rest]).drop_duplicates("criterion").set_index("criterion")
            cols = ("green_at_least", "amber_at_least", "utility_zero_at", "utility_one_at")
            return {c: {k: float(t.at[c, k]) for k in cols} for c in t.index}

        return self.memo(("light_thresholds", view), build)

    def crop_price_table(self, item: str, which: str = "typical") -> pd.Series:
        """Per-crop series of a price-table item (e.g. ``crop_price_cny_t``); built once per
        item and shared, so callers must not modify it."""

        def build():
            rows = self.prices.loc[self.prices["item"] == item]
            return pd.Series(rows[which].to_numpy(float), index=rows["crop"].to_numpy(), name=item)

        return self.memo(("crop_price_table", item, which), build)

    def price(self, item: str, which: str = "typical") -> float:
        """Scalar price item (rows without a crop)."""
        rows = self.prices.loc[(self.prices["item"] == item)]
        if rows.empty:
            raise KeyError(f"price item {item!r} is not in prices.csv")
        return float(rows[which].iloc[0])


def _read(path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in df.columns:
        if col in _NUMERIC_COLUMNS:
            df[col] = pd.to_numeric(df[col].replace("", np.nan), errors="raise")
    return df


_NUMERIC_COLUMNS = {
    "ph_above", "ph_up_to", "value_mg_kg", "limit_mg_kg", "moisture_low", "moisture_typical",
    "moisture_high", "yield_t_ha", "priority", "n", "r2", "se_log10", "se_resid_log10", "floor_mg_kg", "ph_min",
    "ph_max", "low", "typical", "high", "fc_t_c_per_t", "t_above_c", "t_up_to_c", "fperm", "value",
    "socref_t_c_ha", "harvest_cycle_yr", "green_at_least", "amber_at_least", "utility_zero_at", "utility_one_at",
    "soil_temp_c", "m_pct", "a_pct", "cny_per_unit", "ph_mean", "ph_sd", "soil_mean_mg_kg", "soil_sd_mg_kg",
    "crop_mean_mg_kg", "crop_sd_mg_kg", "frac_above", "frac_limit_mg_kg", "ph_low", "ph_high", "soil_low_mg_kg",
    "soil_high_mg_kg", "soil_frac_above",
    "farmer_price_frac", "value_low", "value_typical", "value_high",
    "ghi_low_kwh_m2_yr", "ghi_typical_kwh_m2_yr", "ghi_high_kwh_m2_yr", "screening_mg_kg", "intervention_mg_kg",
    "pv_area_share", "cover_area_share", "biomass_area_share", "habitat_area_share", "order", "score",
    "median", "sd_log10",
}


#: Values of the ``view`` column of ``traffic_lights.csv`` besides blank (every view): the scenario's
#: ``economics_view`` (:data:`agriremed.stages.economics.ECONOMICS_VIEWS`), whose row a view reads first.
LIGHT_VIEWS: tuple[str, ...] = ("combined", "farmer", "programme")


#: Tables that a user folder *adds to* rather than replaces, with the columns that identify
#: a user row. User rows replace the packaged rows with the same key (for threshold sets the
#: whole set: a set is defined by the user's rows alone); every other packaged row is kept.
MERGE_KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("key",),
    "soil_thresholds": ("set_id",),
    "food_limits": ("standard", "crop_group", "metal"),
    "crops": ("crop",),
    "transfer_functions": ("function_id",),
    "land_rules": ("rule_id",),
}

#: Columns a user table may leave out (filled with blanks); every other column of the
#: packaged table must be present.
OPTIONAL_COLUMNS: frozenset[str] = frozenset({
    "note", "se_source", "region", "provinces", "valid_ranges", "n", "r2", "part", "fitted_crop",
    "aliases", "name_zh", "moisture_low", "moisture_high", "moisture_source", "yield_source",
    "policy_family", "substitute_crop", "substitute_metals", "substitute_source", "id_suffixes",
    "cereal", "cereal_source", "land_use_reference", "land_use_reference_source", "known_bias",
    "known_bias_source", "known_bias_note", "crop_groups",
    "short_cite", "short_cite_zh", "floor_mg_kg", "floor_source",
    "ph_low", "ph_high", "soil_low_mg_kg", "soil_high_mg_kg", "soil_frac_above",
    "high_background", "view",
})

#: Values of the ``known_bias`` column of ``transfer_functions.csv`` (blank: no documented bias).
#: ``over_predicts``: independent checks (``known_bias_source``, ``known_bias_note``) find the
#: function's predictions of the crop's metal above what was observed.
OVER_PREDICTS = "over_predicts"
KNOWN_BIAS_VALUES: tuple[str, ...] = (OVER_PREDICTS,)

#: Value of the ``fit_verdict`` column of a ``transfer_functions.csv`` row written by ``fit-uptake``: its
#: log–log model predicts new pairs no better than a simpler model (cross-validation, ``fit.warn_cv``), so
#: ``fit-uptake`` did not recommend it for a plan; a plan that uses it says so in the plot's sentence
#: (``rec.user_fit_weak``). Blank (or no column): no such verdict.
NOT_RECOMMENDED = "not_recommended"


class TableError(ValueError):
    """A user table cannot be used (message names the file and what is missing)."""


def _object_text(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its text columns as ``object`` arrays of Python strings.

    The tables are small and are filtered and looked up many times per plan; comparisons
    and takes on ``object`` arrays cost a fraction of those on Arrow-backed strings.
    """
    text = [c for c in df.columns if isinstance(df[c].dtype, pd.StringDtype)]
    return df.astype(dict.fromkeys(text, object)) if text else df


def _finish(frames: dict[str, pd.DataFrame]) -> Tables:
    frames = {name: _object_text(df) for name, df in frames.items()}
    tf = frames["transfer_functions"]
    if tf["usable"].dtype != bool:
        frames["transfer_functions"] = tf.assign(usable=tf["usable"].astype(str).str.lower().eq("true"))
    crops = frames["crops"]
    if crops["food"].dtype != bool:
        frames["crops"] = crops.assign(food=crops["food"].astype(str).str.lower().eq("true"))
    return Tables(**frames)


@functools.lru_cache(maxsize=8)
def _load_dir(directory: str | None, _stamp: tuple = ()) -> Tables:
    frames = {}
    for name, fname in TABLE_FILES.items():
        path = resources.files("agriremed.data").joinpath(fname)
        with resources.as_file(path) as p:
            frames[name] = _read(p)
    if directory is None:
        return _finish(frames)
    for name, fname in TABLE_FILES.items():
        p = Path(directory) / fname
        if p.exists():
            frames[name] = _merge_user_table(name, frames[name], _read_user(p), p)
    tables = _finish(frames)
    files = sorted(f for f in TABLE_FILES.values() if (Path(directory) / f).exists())
    object.__setattr__(tables, "user_folder", {"path": str(Path(directory).resolve()), "files": files,
                                               "sha256": folder_digest(directory, files)})
    return tables


def folder_digest(directory, files) -> str:
    """SHA-256 (hex) over the names and bytes of ``files`` in ``directory``, in sorted order.

    ``directory`` is a path or an :mod:`importlib.resources` traversable; ``files`` are names
    relative to it (``messages/en.csv``). Each file contributes its name, a NUL byte, its size
    in bytes, a NUL byte and its bytes, so that a byte moved from one file to the next changes
    the digest.
    """
    root = Path(directory) if isinstance(directory, str) else directory
    h = hashlib.sha256()
    for name in sorted(files):
        f = root
        for part in name.split("/"):
            f = f.joinpath(part)
        data = f.read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def packaged_data_digest() -> str:
    """SHA-256 (hex) of the packaged data: every ``data/*.csv`` and ``data/messages/*.csv`` file
    of the installed package, by relative name and bytes (:func:`folder_digest`).

    Two installations with the same digest hold the same literature tables and message
    texts; computed once per process.
    """
    root = resources.files("agriremed.data")
    files = [f.name for f in root.iterdir() if f.is_file() and f.name.endswith(".csv")]
    files += [f"messages/{f.name}" for f in root.joinpath("messages").iterdir()
              if f.is_file() and f.name.endswith(".csv")]
    return folder_digest(root, files)


def tables_digest(tables: Tables) -> str:
    """SHA-256 (hex) of the tables as loaded: per table, in name order, its name, its column
    names and the text of every cell.

    Equal for two :class:`Tables` holding the same values, whatever folder or override they
    came from; a user table folder (``--tables``), an edited table or a fitted transfer
    function changes it. Kept with the tables (:meth:`Tables.memo`) once computed.
    """
    def build():
        h = hashlib.sha256()
        for name, df in sorted(tables.items(), key=lambda kv: kv[0]):
            h.update(f"{name}\0{'|'.join(map(str, df.columns))}\0".encode())
            h.update(pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy().tobytes())
        return h.hexdigest()
    return tables.memo("tables_digest", build)


def _read_user(p: Path) -> pd.DataFrame:
    try:
        return _read(p)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TableError(f"{p}: cannot be read as a table ({exc})") from exc


def _merge_user_table(name: str, base: pd.DataFrame, user: pd.DataFrame, path: Path) -> pd.DataFrame:
    missing = [c for c in base.columns if c not in user.columns and c not in OPTIONAL_COLUMNS]
    if missing:
        raise TableError(f"{path}: column(s) {', '.join(missing)} missing; expected the columns of the "
                         f"packaged {TABLE_FILES[name]} ({', '.join(base.columns)})")
    if name == "transfer_functions":
        _check_coef_cov(user, path)
        _check_known_bias(user, path)
    key = list(MERGE_KEYS.get(name, ()))
    if not key:
        return user
    replaced = pd.MultiIndex.from_frame(base[key].astype(str)).isin(
        pd.MultiIndex.from_frame(user[key].astype(str)))
    out = pd.concat([base.loc[~replaced], user], ignore_index=True)
    text = [c for c in out.columns if c not in _NUMERIC_COLUMNS and not pd.api.types.is_bool_dtype(out[c])]
    out[text] = out[text].fillna("")
    return out


def term_names(terms) -> list[str]:
    """Names of the terms of a ``terms`` cell, in its order (``'const:0.2|ph:-0.1'`` → ``['const', 'ph']``)."""
    return [part.rsplit(":", 1)[0].strip().replace(" ", "") for part in str(terms).split("|")]


def format_coef_cov(names, cov) -> str:
    """The ``coef_cov`` cell of a transfer function: the covariance of its coefficients.

    Parameters
    ----------
    names : sequence of str
        Term names in the order of the function's ``terms`` cell (``const`` first).
    cov : array_like
        Covariance matrix of the coefficients, ``len(names)`` × ``len(names)``
        [(log10 mg kg⁻¹ per unit of term)²].

    Returns
    -------
    str
        The upper triangle, row by row, as ``term_i*term_j:value`` joined by ``|``, each value
        with 8 significant digits (:func:`parse_coef_cov` reads it back).

    Examples
    --------
    >>> format_coef_cov(["const", "ph"], [[0.5, -0.08], [-0.08, 0.02]])
    'const*const:0.5|const*ph:-0.08|ph*ph:0.02'
    """
    c = np.asarray(cov, float)
    return "|".join(f"{a}*{b}:{c[i, j]:.8g}" for i, a in enumerate(names) for j, b in enumerate(names) if j >= i)


def parse_coef_cov(cell, names) -> np.ndarray | None:
    """The covariance matrix written in a ``coef_cov`` cell (:func:`format_coef_cov`).

    Parameters
    ----------
    cell : str
        ``term_i*term_j:value`` entries joined by ``|``: every pair of terms once (either order),
        the diagonal included; blank for none.
    names : sequence of str
        Term names in the order of the function's ``terms`` cell (:func:`term_names`).

    Returns
    -------
    numpy.ndarray or None
        Symmetric ``len(names)`` × ``len(names)`` matrix in the order of ``names``; None for a blank
        cell.

    Raises
    ------
    ValueError
        Naming the entry that cannot be read, a term not among ``names``, an entry given twice, a
        pair of terms left out, a negative variance, or a matrix that is not positive semi-definite.

    Examples
    --------
    >>> parse_coef_cov("const*const:0.5|const*ph:-0.08|ph*ph:0.02", ["const", "ph"]).tolist()
    [[0.5, -0.08], [-0.08, 0.02]]
    """
    if cell is None or (isinstance(cell, float) and np.isnan(cell)) or not str(cell).strip():
        return None
    names = list(names)
    at = {t: i for i, t in enumerate(names)}
    k = len(names)
    out = np.full((k, k), np.nan)
    for part in str(cell).split("|"):
        pair, sep, value = part.strip().rpartition(":")
        a, star, b = pair.replace(" ", "").partition("*")
        if not sep or not star:
            raise ValueError(f"entry {part.strip()!r} not understood; expected term_i*term_j:value")
        try:
            x = float(value)
        except ValueError:
            raise ValueError(f"entry {part.strip()!r}: value {value.strip()!r} is not a number") from None
        if not np.isfinite(x):
            raise ValueError(f"entry {part.strip()!r}: value is not a finite number")
        for t in (a, b):
            if t not in at:
                raise ValueError(f"entry {part.strip()!r}: term {t!r} is not a term of the function "
                                 f"({', '.join(names)})")
        i, j = at[a], at[b]
        if not np.isnan(out[i, j]):
            raise ValueError(f"entry {part.strip()!r}: the pair {a}*{b} is given twice")
        out[i, j] = out[j, i] = x
    gaps = [f"{names[i]}*{names[j]}" for i in range(k) for j in range(i, k) if np.isnan(out[i, j])]
    if gaps:
        raise ValueError(f"no entry for {', '.join(gaps[:5])}{' …' if len(gaps) > 5 else ''}; expected every "
                         "pair of terms once, the diagonal included")
    if (np.diag(out) < 0).any():
        raise ValueError(f"negative variance of {names[int(np.argmin(np.diag(out)))]}; expected ≥ 0")
    # the values are rounded to 8 significant digits: a tolerance well above that rounding
    if np.linalg.eigvalsh(out).min() < -1e-6 * max(float(np.abs(out).max()), 1e-300):
        raise ValueError("the matrix is not positive semi-definite, so it is not a covariance")
    return out


def coef_cov_checked(terms: str, cell, se_resid, n) -> tuple[np.ndarray | None, float, float]:
    """``(covariance, residual SE, n)`` of a transfer function's ``coef_cov`` (:func:`parse_coef_cov`;
    None where blank), ``se_resid_log10`` and ``n``, checked to go together.

    Raises
    ------
    ValueError
        Naming the column: ``coef_cov`` cannot be read, or ``se_resid_log10`` is not a residual SE
        above 0, or ``n`` is not more than the number of coefficients.
    """
    names = term_names(terms)
    try:
        cov = parse_coef_cov(cell, names)
    except ValueError as exc:
        raise ValueError(f"column coef_cov: {exc}") from None
    if cov is None:
        return None, float("nan"), float("nan")
    se, k = float(se_resid), float(n)
    if not (np.isfinite(se) and se > 0):
        raise ValueError(f"column se_resid_log10: {'blank' if np.isnan(se) else f'{se:g}'}; expected the residual "
                         "SE (log10 units, > 0) of the fit whose coef_cov is given")
    if not (np.isfinite(k) and k > len(names)):
        raise ValueError(f"column n: {'blank' if np.isnan(k) else f'{k:g}'}; expected the number of pairs "
                         f"fitted, more than the {len(names)} coefficients of coef_cov")
    return cov, se, k


def _check_coef_cov(tf: pd.DataFrame, path: Path) -> None:
    """Raise :class:`TableError` naming the line, column and function of a user ``transfer_functions.csv``
    whose ``coef_cov`` cannot be read or whose ``se_resid_log10`` or ``n`` cannot go with it."""
    if "coef_cov" not in tf.columns and "se_resid_log10" not in tf.columns:
        return
    cov = tf["coef_cov"] if "coef_cov" in tf.columns else pd.Series("", index=tf.index)
    resid = tf["se_resid_log10"] if "se_resid_log10" in tf.columns else pd.Series(np.nan, index=tf.index)
    n = tf["n"] if "n" in tf.columns else pd.Series(np.nan, index=tf.index)
    for line, fid, terms, c, s, k in zip(range(2, len(tf) + 2), tf["function_id"], tf["terms"], cov, resid, n,
                                         strict=True):
        where = f"{path}, line {line} (function {fid})"
        given = bool(str(c).strip())
        if not given:
            if np.isfinite(s):
                raise TableError(f"{where}, column se_resid_log10: {s:g} given without coef_cov; expected both "
                                 "(the spread of a plot is computed from them) or neither")
            continue
        try:
            coef_cov_checked(terms, c, s, k)
        except ValueError as exc:
            raise TableError(f"{where}, {exc}") from None


def _check_known_bias(tf: pd.DataFrame, path: Path) -> None:
    """Raise :class:`TableError` naming the line, column and function of a user ``transfer_functions.csv``
    whose ``known_bias`` is neither blank nor one of :data:`KNOWN_BIAS_VALUES`."""
    if "known_bias" not in tf.columns:
        return
    for line, fid, v in zip(range(2, len(tf) + 2), tf["function_id"], tf["known_bias"], strict=True):
        text = "" if pd.isna(v) else str(v).strip()
        if text and text not in KNOWN_BIAS_VALUES:
            raise TableError(f"{path}, line {line} (function {fid}), column known_bias: {text!r}; expected "
                             f"blank (no documented bias) or {' or '.join(KNOWN_BIAS_VALUES)}")


def load_tables(directory: str | Path | None = None) -> Tables:
    """Load the literature tables.

    Parameters
    ----------
    directory : str or Path, optional
        A folder holding user versions of some or all table files (same file names
        and columns as the packaged ones). Tables not found there come from the
        package. For ``sources``, ``soil_thresholds``, ``food_limits``, ``crops``,
        ``transfer_functions`` and ``land_rules`` the user rows are *added* to the packaged ones and
        replace packaged rows with the same key (:data:`MERGE_KEYS`): a user
        ``soil_thresholds.csv`` holding only a new ``set_id`` adds that set, a user
        ``transfer_functions.csv`` adds its functions, a user ``land_rules.csv`` adds its
        rules (a new ``rule_set`` for another jurisdiction). Other tables are replaced.

    Returns
    -------
    Tables
        The tables; cached (until a file in ``directory`` changes), so repeated calls
        are cheap. Do not modify them in place: use :meth:`Tables.replace`.

    Raises
    ------
    TableError
        If a user table cannot be read or lacks a column of the packaged table.
    """
    if directory is None:
        return _load_dir(None)
    d = Path(directory)
    if not d.is_dir():
        raise TableError(f"table folder not found: {d}")
    stamp = tuple((f, (d / f).stat().st_mtime_ns, (d / f).stat().st_size)
                  for f in TABLE_FILES.values() if (d / f).exists())
    return _load_dir(str(d), stamp)


def split_keys(cell: str) -> list[str]:
    """Split a ``source`` cell (``'a;b'``) into its keys."""
    return [k.strip() for k in str(cell).split(";") if k.strip()]


def source_problems(tables: Tables) -> list[str]:
    """List rows whose sources are missing or cite a key absent from ``sources.csv``.

    Every table must have a ``source`` column (or, like the crop table, ``*_source``
    columns for each sourced value). A ``source`` cell must not be empty; every key
    in any source cell must exist in ``sources.csv``.

    Returns
    -------
    list of str
        One message per problem (empty when every row is sourced).
    """
    known = set(tables.sources["key"])
    problems = []
    for name, df in tables.items():
        if name == "sources":
            continue
        cols = [c for c in df.columns if c == "source" or c.endswith("_source")]
        if not cols:
            problems.append(f"{name}: table has no source column")
            continue
        for col in cols:
            for i, cell in enumerate(df[col].tolist()):
                keys = split_keys(cell)
                if col == "source" and not keys:
                    problems.append(f"{name} row {i + 1}: no source")
                for k in keys:
                    if k not in known:
                        problems.append(f"{name} row {i + 1}: unknown source key {k!r} in {col}")
    return problems
