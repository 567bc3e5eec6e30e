"""Carbon kernels: biochar sink, soil organic carbon change, paddy CH4, N2O and plant emissions.

IPCC Tier 1 and registry equations, arrays in, arrays out: the persistent share and CO2 removal of
biochar, SOC stock-change factors and the stock change after a land-use change (with return to
the old use), direct N2O of nitrogen applied to soil, CH4 of a rice season, GWP100 values, the
years between amendment applications and the emissions of the conversion plant. Parameters not
passed in come from the literature tables. The IPCC climate, soil and land-use lookups are in
:mod:`agriremed.models.ipcc`; the plot-table adapter of the carbon stage (the carbon ledger, credits
per registry, transport distances) is :mod:`agriremed.stages.carbon`, which re-exports these names.

References
----------
.. [1] IPCC (2019) 2019 Refinement to the 2006 IPCC Guidelines, Vol. 4 Ch. 2 Appendix 4
   (biochar), Ch. 5 (cropland SOC factors, rice CH4), Ch. 11 (N2O).
.. [2] Puro.earth (2025) Biochar Methodology Edition 2025 V1; EBC (2020) Certification of the
   carbon sink potential of biochar v1.0.
.. [3] Verra (2025) VM0044 v1.2; UNFCCC CDM methodological tool 14 (digester leakage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.core.accounting import BIOCHAR_METHODS
from agriremed.models.ipcc import biochar_fc
from agriremed.core.tables import Tables, load_tables

__all__ = ["C_TO_CO2", "N2O_N_TO_N2O", "RICE_EF_REGION", "biochar_persistence", "biochar_carbon_sink",
           "soc_factor", "soc_stock_change", "soc_change_with_return", "n2o_direct_t_co2e", "gwp_value",
           "paddy_ch4_t_co2e", "application_interval", "conversion_process_t_co2e"]


#: Mass ratio CO2 / C (44.01 / 12.011).
C_TO_CO2 = 44.0 / 12.0

#: Mass ratio N2O / N2O-N (44.013 / 28.013).
N2O_N_TO_N2O = 44.0 / 28.0

#: IPCC region of the plots (all Chinese) for the rice baseline emission factor.
RICE_EF_REGION = "east_asia"


def biochar_persistence(temperature_class, method: str = "ipcc2019", tables: Tables | None = None,
                        h_corg=None, soil_temp_c=None) -> np.ndarray:
    """Fraction of biochar organic carbon credited as persistent.

    Parameters
    ----------
    temperature_class : str or array_like of str
        ``low`` (350–450 °C), ``medium`` (450–600 °C) or ``high`` (> 600 °C) (IPCC).
    method : {"ipcc2019", "puro2025", "ebc2020"}
        ``ipcc2019``: F_perm of Table 4A.2 (100 years). ``puro2025``: PF = (M − a·H/Corg)/100
        with M, a of Table 6.1 at the integer soil temperature clipped to 7–40 °C
        (200 years); 0 when H/Corg > 0.7 (not eligible); NaN without H/Corg.
        ``ebc2020``: (1 − d)^100 with d = 0.3 % yr⁻¹ (100 years).
    tables : Tables, optional
        Literature tables.
    h_corg : array_like, optional
        Molar H/Corg of the biochar [–] (``puro2025``).
    soil_temp_c : array_like, optional
        Mean annual soil temperature [°C] (``puro2025``).

    Returns
    -------
    numpy.ndarray
        Persistent fraction [–].

    References
    ----------
    .. [1] IPCC (2019) Vol. 4 Ch. 2 Appendix 4, Table 4A.2.
    .. [2] Puro.earth (2025) Biochar Methodology Edition 2025 V1, Eq. 6.4, Table 6.1.
    .. [3] EBC (2020) Certification of the carbon sink potential of biochar v1.0.

    Examples
    --------
    >>> biochar_persistence("medium").tolist()
    [0.8]
    >>> round(float(biochar_persistence("medium", "puro2025", h_corg=0.4, soil_temp_c=20)[0]), 4)
    0.6998
    >>> round(float(biochar_persistence("medium", "ebc2020")[0]), 3)
    0.74
    """
    tables = tables or load_tables()
    tc = np.atleast_1d(np.asarray(temperature_class, dtype=object))
    if method == "ipcc2019":
        fp = tables.indexed("biochar_permanence", "temperature_class")["fperm"]
        return pd.Series(tc.ravel()).map(fp).to_numpy(float).reshape(tc.shape)
    if method == "ebc2020":
        return np.full(tc.shape, (1.0 - tables.factor("ebc_decay_per_yr")) ** 100)
    if method == "puro2025":
        if h_corg is None or soil_temp_c is None:
            return np.full(tc.shape, np.nan)
        p = tables.indexed("puro_persistence", "soil_temp_c")
        t = np.clip(np.round(np.asarray(soil_temp_c, float)), p.index.min(), p.index.max())
        t = np.broadcast_to(t, tc.shape)
        ok = ~np.isnan(t)
        m = np.full(tc.shape, np.nan)
        a = np.full(tc.shape, np.nan)
        m[ok] = p["m_pct"].reindex(t[ok].astype(int)).to_numpy(float)
        a[ok] = p["a_pct"].reindex(t[ok].astype(int)).to_numpy(float)
        h = np.broadcast_to(np.asarray(h_corg, float), tc.shape)
        return np.where(h > 0.7, 0.0, (m - a * h) / 100.0)
    raise ValueError(f"biochar method {method!r} is unknown; expected one of {', '.join(BIOCHAR_METHODS)}")


def biochar_carbon_sink(mass_t, feedstock, temperature_class, process="pyrolysis",
                        tables: Tables | None = None, method: str = "ipcc2019", h_corg=None,
                        soil_temp_c=None):
    """CO2 removal of biochar applied to mineral soil.

    Parameters
    ----------
    mass_t : array_like
        Dry biochar applied [t] (or t ha⁻¹).
    feedstock : str or array_like of str
        Feedstock class of IPCC Table 4A.1 (``wood``, ``herbaceous``, ``rice_straw``,
        ``manure``, ``nut_shells``, ``biosolids``).
    temperature_class : str or array_like of str
        ``low`` (350–450 °C), ``medium`` (450–600 °C) or ``high`` (> 600 °C).
    process : {"pyrolysis", "gasification"}
        Production process.
    tables : Tables, optional
        Literature tables.
    method : {"ipcc2019", "puro2025", "ebc2020"}
        Persistence method (:func:`biochar_persistence`).
    h_corg, soil_temp_c : array_like, optional
        Molar H/Corg [–] and mean annual soil temperature [°C] (``puro2025``).

    Returns
    -------
    numpy.ndarray
        CO2 removed [t CO2] = M · F_C · F_persistent · 44/12.

    References
    ----------
    .. [1] IPCC (2019) 2019 Refinement, Vol. 4 Ch. 2 Appendix 4, Eq. 2A.1,
       Tables 4A.1 and 4A.2.
    .. [2] Puro.earth (2025) Biochar Methodology Edition 2025 V1.

    Examples
    --------
    >>> round(float(biochar_carbon_sink(1.0, "rice_straw", "medium")), 3)
    1.437
    """
    tables = tables or load_tables()
    m = np.asarray(mass_t, float)
    fs = np.broadcast_to(np.asarray(feedstock, dtype=object), m.shape)
    tc = np.broadcast_to(np.asarray(temperature_class, dtype=object), m.shape)
    f_c = biochar_fc(fs, process, tables).reshape(m.shape)
    f_p = biochar_persistence(tc, method, tables, h_corg, soil_temp_c).reshape(m.shape)
    return m * f_c * f_p * C_TO_CO2


def soc_factor(tables: Tables, factor: str, category, zone) -> np.ndarray:
    """IPCC Tier 1 stock-change factor per row (zone-specific row, else the ``*`` row).

    Parameters
    ----------
    tables : Tables
        Literature tables.
    factor : {"FLU", "FMG", "FI"}
        Land use, management (tillage) or carbon input.
    category : array_like of str
        Category (e.g. ``paddy``, ``no_till``, ``high``).
    zone : array_like of str
        IPCC climate zone.

    Returns
    -------
    numpy.ndarray
        Factor [–]; NaN where neither a zone row nor a ``*`` row exists.

    References
    ----------
    .. [1] IPCC (2019) 2019 Refinement, Vol. 4 Ch. 5, Tables 5.5 (F_LU, F_MG, F_I), as coded
       in the HESTIA engine.

    Examples
    --------
    >>> t = load_tables()
    >>> soc_factor(t, "FMG", ["no_till", "full_till"], ["warm_temperate_moist"] * 2).tolist()
    [1.1, 1.0]
    """
    def build():  # (category, zone) → value; a zone row wins over the category's '*' row
        f = tables.soc_factors.loc[tables.soc_factors["factor"] == factor]
        rows = list(zip(f["category"], f["climate_zone"], f["value"].astype(float), strict=True))
        return ({(c, z): v for c, z, v in rows if not np.isnan(v)}, {c: v for c, z, v in rows if z == "*"})

    by_zone, any_zone = tables.memo(("soc_factor", factor), build)
    cat_all = np.asarray(category, dtype=object)
    z_all = np.asarray(zone, dtype=object)
    first, inv = _frames.distinct(cat_all, z_all)  # a few categories × zones
    pairs = zip(cat_all[first], z_all[first], strict=True)
    v = np.array([by_zone.get((c, z), any_zone.get(c, np.nan)) for c, z in pairs], dtype=float)
    return v[inv]


def n2o_direct_t_co2e(n_kg_ha, flooded_rice, tables: Tables | None = None, ef1=None, ef1_fr=None, gwp=None):
    """Direct N2O from nitrogen applied to soil, in CO2e (IPCC Tier 1).

    Parameters
    ----------
    n_kg_ha : array_like
        Nitrogen applied [kg N ha⁻¹ yr⁻¹].
    flooded_rice : array_like of bool
        Whether the N goes to flooded rice (EF1FR) or any other crop (EF1).
    tables : Tables, optional
        Literature tables.
    ef1, ef1_fr, gwp : array_like, optional
        Override the factors [kg N2O-N kg⁻¹ N], [kg N2O-N kg⁻¹ N], [t CO2e t⁻¹ N2O]
        (default GWP: AR6 of ``gwp.csv``).

    Returns
    -------
    numpy.ndarray
        Emission [t CO2e ha⁻¹ yr⁻¹] = N/1000 · EF · 44/28 · GWP (positive number).

    References
    ----------
    .. [1] IPCC (2019) 2019 Refinement, Vol. 4 Ch. 11, Table 11.1.
    .. [2] IPCC (2021) AR6 WG I, Table 7.15 (GWP100 of N2O 273).

    Examples
    --------
    200 kg N/ha on wheat: 3.14 kg N2O → 0.858 t CO2e/ha.

    >>> round(float(n2o_direct_t_co2e(200, False)), 3)
    0.858
    """
    tables = tables or load_tables()
    ef1 = tables.factor("n2o_ef1_kg_n2on_kg_n") if ef1 is None else ef1
    ef1_fr = tables.factor("n2o_ef1_flooded_rice_kg_n2on_kg_n") if ef1_fr is None else ef1_fr
    gwp = gwp_value(tables, "ar6", "n2o") if gwp is None else gwp
    ef = np.where(np.asarray(flooded_rice, bool), ef1_fr, ef1)
    return np.asarray(n_kg_ha, float) / 1000.0 * ef * N2O_N_TO_N2O * gwp


def gwp_value(tables: Tables, gwp_set: str, gas: str) -> float:
    """GWP100 of a gas in a named IPCC set (``gwp.csv``).

    Parameters
    ----------
    tables : Tables
        Literature tables.
    gwp_set : {"ar6", "ar5"}
        IPCC assessment report.
    gas : {"ch4", "n2o"}
        Gas (CH4: non-fossil).

    Returns
    -------
    float
        GWP100 [t CO2e t⁻¹].

    References
    ----------
    .. [1] IPCC (2021) AR6 WG I Table 7.15; IPCC (2013) AR5 WG I (as used by Puro.earth and VM0044).

    Examples
    --------
    >>> t = load_tables()
    >>> gwp_value(t, "ar6", "ch4"), gwp_value(t, "ar5", "n2o")
    (27.0, 265.0)
    """
    def build() -> dict:
        values: dict = {}
        for key, v in zip(zip(tables.gwp["gwp_set"], tables.gwp["gas"], strict=True), tables.gwp["value"],
                          strict=True):
            values.setdefault(key, v)  # the first row of a set and gas
        return values

    # read once per tables object (read-only)
    values = tables.memo("gwp_values", build)
    if (gwp_set, gas) not in values:
        raise ValueError(f"GWP of {gas!r} in set {gwp_set!r} is not in gwp.csv; expected sets "
                         + ", ".join(sorted(set(tables.gwp["gwp_set"]))))
    return float(values[(gwp_set, gas)])


def rice_factor(tables: Tables, parameter: str, category, which: str = "typical") -> np.ndarray:
    """Values of ``paddy_ch4.csv`` rows ``parameter`` for each category (NaN when unknown)."""
    def build():
        t = tables.paddy_ch4
        return t.loc[t["parameter"] == parameter].set_index("category")[which].astype(float)

    f = tables.memo(("paddy_ch4", parameter, which), build)
    return _frames.lookup(f, np.atleast_1d(np.asarray(category, dtype=object))).astype(float)


def paddy_ch4_t_co2e(water_regime, days, preseason="non_flooded_lt180", amendment=None, amendment_t_ha=0.0,
                     region: str = RICE_EF_REGION, gwp_ch4: float | None = None,
                     tables: Tables | None = None) -> np.ndarray:
    """CH4 of one rice season on one hectare, in CO2e (IPCC 2019 Tier 1).

    Parameters
    ----------
    water_regime : str or array_like of str
        Water regime during the season (:data:`RICE_WATER_REGIMES`).
    days : array_like
        Cultivation period t [d].
    preseason : str or array_like of str
        Pre-season water regime (:data:`RICE_PRESEASON`).
    amendment : str, optional
        Organic amendment (:data:`RICE_AMENDMENTS`); None: none.
    amendment_t_ha : array_like
        Its rate ROA [t ha⁻¹]: straw dry matter, other amendments fresh weight.
    region : str
        Region of the baseline emission factor EF_c (``east_asia``, ``world``).
    gwp_ch4 : float, optional
        GWP100 of CH4 [t CO2e t⁻¹] (default: AR6 non-fossil, 27.0).
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    numpy.ndarray
        Emission [t CO2e ha⁻¹ season⁻¹] (positive) =
        EF_c · SF_w · SF_p · (1 + ROA · CFOA)^0.59 · t / 1000 · GWP.

    References
    ----------
    .. [1] IPCC (2019) 2019 Refinement, Vol. 4 Ch. 5.5, Eq. 5.1–5.3, Tables 5.11
       (EF_c East Asia 1.32 kg CH4 ha⁻¹ d⁻¹), 5.12 (SF_w 1.00 / 0.71 / 0.55), 5.13
       (SF_p 1.00 / 0.89 / 2.41 / 0.59) and 5.14 (CFOA straw 1.00 / 0.19).

    Examples
    --------
    One hectare continuously flooded for 120 days, no amendment, not flooded before the
    season: 1.32 × 120 = 158.4 kg CH4 = 4.277 t CO2e (AR6).

    >>> round(float(paddy_ch4_t_co2e("continuous_flooding", 120)[0]), 3)
    4.277
    """
    tables = tables or load_tables()
    wr = np.atleast_1d(np.asarray(water_regime, dtype=object))
    efc = float(rice_factor(tables, "efc", region)[0])
    sfw = rice_factor(tables, "sfw", wr)
    sfp = rice_factor(tables, "sfp", np.broadcast_to(np.asarray(preseason, dtype=object), wr.shape))
    if amendment is None:
        sfo = np.ones(wr.shape)
    else:
        cfoa = float(rice_factor(tables, "cfoa", amendment)[0])
        expo = float(rice_factor(tables, "sfo_exponent", "*")[0])
        sfo = (1.0 + np.asarray(amendment_t_ha, float) * cfoa) ** expo
    g = gwp_value(tables, "ar6", "ch4") if gwp_ch4 is None else float(gwp_ch4)
    return efc * sfw * sfp * sfo * np.asarray(days, float) / 1000.0 * g


def soc_stock_change(socref_t_c_ha, flu_old, flu_new, years, transition_yr: int = 20):
    """Tier 1 soil organic carbon change over ``years`` after a land-use change.

    Parameters
    ----------
    socref_t_c_ha : array_like
        Reference SOC stock, 0–30 cm [t C ha⁻¹].
    flu_old, flu_new : array_like
        Land-use stock-change factors before and after [–].
    years : array_like
        Years since the change [yr].
    transition_yr : int
        IPCC default transition period [yr].

    Returns
    -------
    numpy.ndarray
        ΔSOC [t C ha⁻¹] = SOC_ref · (F_LU,new − F_LU,old) · min(years, 20)/20
        (F_MG = F_I = 1).

    Examples
    --------
    Annual crop → set-aside, warm temperate moist, high-activity clay soil:

    >>> round(float(soc_stock_change(64, 0.69, 0.82, 20)), 2)
    8.32
    """
    frac = np.minimum(np.asarray(years, float), transition_yr) / transition_yr
    return np.asarray(socref_t_c_ha, float) * (np.asarray(flu_new, float) - np.asarray(flu_old, float)) * frac


def soc_change_with_return(socref_t_c_ha, flu_old, flu_new, years_new, horizon_yr,
                           transition_yr: int = 20):
    """Tier 1 SOC change over a horizon when the new land use lasts only ``years_new``.

    The stock moves towards the new equilibrium at the IPCC rate
    SOC_ref·(F_new − F_old)/20 per year for min(years_new, 20) years, then back towards
    the old one at the same rate for the rest of the horizon (never past its start).

    Parameters
    ----------
    socref_t_c_ha : array_like
        Reference stock [t C ha⁻¹].
    flu_old, flu_new : array_like
        Land-use factors [–].
    years_new : array_like
        Years under the new use [yr].
    horizon_yr : float
        Horizon [yr].
    transition_yr : int
        IPCC transition period [yr].

    Returns
    -------
    numpy.ndarray
        ΔSOC at the end of the horizon [t C ha⁻¹].

    Examples
    --------
    Paddy → cropland for 6 years, then rice again, 20-year horizon: the loss of
    6 years is recovered within the remaining 14.

    >>> abs(float(soc_change_with_return(55, 1.35, 0.69, 6, 20)))
    0.0
    >>> round(float(soc_change_with_return(55, 1.35, 0.69, 20, 20)), 2)
    -36.3
    """
    rate = np.asarray(socref_t_c_ha, float) * (np.asarray(flu_new, float) - np.asarray(flu_old, float)) \
        / transition_yr
    y = np.minimum(np.asarray(years_new, float), horizon_yr)
    a = np.minimum(y, transition_yr)
    back = np.minimum(np.maximum(horizon_yr - y, 0.0), a)
    return rate * (a - back)


def application_interval(effect_duration_yr, reapply_interval_yr, is_biochar, biochar_interval_yr=None):
    """Years between applications of an amendment (inf: applied once, in year 1).

    Parameters
    ----------
    effect_duration_yr : array_like
        Effect duration of one application [yr]; NaN: the option applies nothing.
    reapply_interval_yr : array_like
        Re-application interval of the option table [yr]; NaN: applied once.
    is_biochar : array_like of bool
        Rows of biochar options.
    biochar_interval_yr : float, optional
        Scenario interval for biochar [yr]; None: once.

    Returns
    -------
    numpy.ndarray
        Interval [yr]: NaN (no application), a number of years, or inf (once).

    Examples
    --------
    >>> application_interval([3.0, 2.0, np.nan], [np.nan, 2.0, np.nan], [True, False, False]).tolist()
    [inf, 2.0, nan]
    >>> application_interval([3.0], [np.nan], [True], 5).tolist()
    [5.0]
    """
    eff = np.asarray(effect_duration_yr, float)
    re = np.broadcast_to(np.asarray(reapply_interval_yr, float), eff.shape)
    iv = np.where(np.isnan(re), np.inf, re)
    if biochar_interval_yr is not None:
        iv = np.where(np.asarray(is_biochar, bool), float(biochar_interval_yr), iv)
    return np.where(np.isnan(eff), np.nan, iv)


def conversion_process_t_co2e(methane_leak_m3, biochar_t, pyrolysis_feed_t, ethanol_l, gwp_ch4: float,
                              ch4_density_kg_m3: float = 0.716, pyrolysis_ch4_t_t_char: float = 0.0,
                              pyrolysis_kwh_t_char=0.0, grid_ef_t_co2_mwh: float = 0.5366,
                              ethanol_kwh_l=0.0, ethanol_coal_kg_l=0.0, coal_ef_t_co2_t: float = 1.978
                              ) -> np.ndarray:
    """Emissions of the conversion plant itself (positive number, t CO2e).

    Parameters
    ----------
    methane_leak_m3 : array_like
        CH4 leaked from a digester and its gas storage [m³].
    biochar_t : array_like
        Biochar made by pyrolysis [t].
    pyrolysis_feed_t : array_like
        Dry feedstock pyrolysed [t].
    ethanol_l : array_like
        Ethanol made [L].
    gwp_ch4 : float
        GWP100 of CH4 [t CO2e t⁻¹].
    ch4_density_kg_m3 : float
        Density of CH4 at 0 °C [kg m⁻³].
    pyrolysis_ch4_t_t_char : float
        Process CH4 per tonne of biochar [t t⁻¹] (0 for a plant that burns its gases).
    pyrolysis_kwh_t_char : float
        Pyrolysis plant electricity per tonne of biochar made [kWh t⁻¹] (CarboChar units:
        100–250, typical 125); NaN counts as 0.
    grid_ef_t_co2_mwh : float
        Grid emission factor [t CO2 MWh⁻¹].
    ethanol_kwh_l : float
        Grid electricity of the ethanol plant per litre of ethanol [kWh L⁻¹] (sweet-sorghum
        plant, Shandong: 380.416 kWh t⁻¹ = 0.3001 kWh L⁻¹); NaN counts as 0.
    ethanol_coal_kg_l : float
        Coal burnt for the ethanol plant's steam per litre [kg L⁻¹] (611.2 kg t⁻¹ =
        0.4822 kg L⁻¹; 0 when the boiler burns the bagasse); NaN counts as 0.
    coal_ef_t_co2_t : float
        CO2 of burning one tonne of raw coal [t CO2 t⁻¹] (20.908 GJ t⁻¹ × 0.0946 t CO2 GJ⁻¹).

    Returns
    -------
    numpy.ndarray
        Emission [t CO2e] = leak · ρ/1000 · GWP + char · CH4 · GWP + char · kWh/1000 · EF_grid
        + ethanol · (kWh/1000 · EF_grid + coal/1000 · EF_coal).

    References
    ----------
    .. [1] UNFCCC CDM methodological tool 14, Project and leakage emissions from anaerobic
       digesters (default physical leakage 2.8–10 %).
    .. [2] Verra (2025) VM0044 v1.2 (high- and low-technology pyrolysis; default CH4 of
       low-technology kilns).
    .. [3] Pro-Natura International (2016) CarboChar technical description (electrical
       consumption 10, 15 and 20 kW at 40, 120 and 200 kg biochar h⁻¹).
    .. [4] Assessing the sweet sorghum-based ethanol potential on saline–alkali land with
       DSSAT model and LCA approach, Biotechnology for Biofuels 14 (2021), Table 11
       (electricity 380.416 kWh and coal 611.2 kg per t ethanol).
    .. [5] IPCC (2006) Vol. 2 Table 1.4 (other bituminous coal 94 600 kg CO2 TJ⁻¹); GB/T 2589
       (raw coal 20 908 kJ kg⁻¹).

    Examples
    --------
    118.5 m³ CH4 leaked (5 % of 2 370.8 m³) with GWP 27: 118.5 × 0.716 / 1000 × 27 = 2.29 t CO2e.

    >>> round(float(conversion_process_t_co2e(118.54, 0.0, 0.0, 0.0, 27.0)), 3)
    2.292

    2 t of biochar at 125 kWh t⁻¹ and 0.5366 t CO2 MWh⁻¹: 2 × 125 / 1000 × 0.5366 = 0.134 t CO2;
    1 000 L of ethanol at 0.3001 kWh L⁻¹ and 0.4822 kg coal L⁻¹: 0.3001 × 0.5366 + 0.4822 × 1.978
    = 0.161 + 0.954 = 1.115 t CO2.

    >>> round(float(conversion_process_t_co2e(0.0, 2.0, 6.0, 0.0, 27.0, pyrolysis_kwh_t_char=125.0)), 5)
    0.13415
    >>> round(float(conversion_process_t_co2e(0.0, 0.0, 0.0, 1000.0, 27.0, ethanol_kwh_l=0.3001,
    ...                                       ethanol_coal_kg_l=0.4822)), 3)
    1.115
    """
    leak = np.asarray(methane_leak_m3, float) * ch4_density_kg_m3 / 1000.0 * gwp_ch4
    char = np.asarray(biochar_t, float)
    pyro = char * pyrolysis_ch4_t_t_char * gwp_ch4 \
        + char * np.nan_to_num(np.asarray(pyrolysis_kwh_t_char, float)) / 1000.0 * grid_ef_t_co2_mwh
    per_l = np.nan_to_num(np.asarray(ethanol_kwh_l, float)) / 1000.0 * grid_ef_t_co2_mwh \
        + np.nan_to_num(np.asarray(ethanol_coal_kg_l, float)) / 1000.0 * coal_ef_t_co2_t
    eth = np.asarray(ethanol_l, float) * per_l
    return leak + pyro + eth
