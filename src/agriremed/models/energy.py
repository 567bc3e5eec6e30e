"""Energy kernels: products of each bioenergy pathway from a mass of dry biomass.

Combustion (CHP), slow pyrolysis, anaerobic digestion and ethanol: electricity, heat, fuel,
char, oil, gas, ash and the carbon in them, arrays in, arrays out, with the parameters passed in
(the pyrolysis char yield falls back on ``factors.csv``), and Monte Carlo draws of the scalar
factors of ``factors.csv`` (common random numbers). The plot-table adapter of the energy
stage (parameters per plot × option, metal fate, residue disposal, Monte Carlo draws) is
:mod:`agriremed.stages.energy`, which re-exports these names.

References
----------
.. [1] IEA ETSAP (2007) ETE03 Biomass for power generation and CHP (η_el 30–34 %,
   CHP total 85–90 %).
.. [2] Yue Y. et al. (2018) BioResources 13(4):7455 (char 40 → 28 %, oil 29–31 %,
   300 → 700 °C).
.. [3] GTZ biogas yields; Nizami A.-S. et al. (2009) Environ. Sci. Technol. 43:8496;
   Humbird D. et al. (2011) NREL/TP-5100-47764; Tang C. et al. (2018) Front. Plant Sci.
   9:440.
"""

from __future__ import annotations

import numpy as np

from agriremed.core.tables import Tables, load_tables
from agriremed.core.uncertainty import parameter_draws

__all__ = ["char_yield", "conversion", "factor_draws", "TEMPERATURE_C", "PATHWAYS"]

#: Representative production temperature of each IPCC biochar temperature class [°C]
#: (mid-points of the class ranges; the high class uses 650 °C).
TEMPERATURE_C = {"low": 400.0, "medium": 525.0, "high": 650.0}

#: Conversion pathways.
PATHWAYS = ("chp", "pyrolysis", "digestion", "ethanol", "none")

def char_yield(temperature_c, tables: Tables | None = None, y300=None, y700=None):
    """Slow-pyrolysis char yield of herbaceous biomass.

    Parameters
    ----------
    temperature_c : array_like
        Highest treatment temperature [°C], 300–700.
    tables : Tables, optional
        Literature tables.
    y300, y700 : array_like, optional
        Char yields at 300 and 700 °C [–] (default: ``factors.csv``).

    Returns
    -------
    numpy.ndarray
        Char mass per dry feedstock mass [–], linear between the 300 °C and 700 °C
        yields.

    References
    ----------
    .. [1] Yue Y. et al. (2018) BioResources 13(4):7455.

    Examples
    --------
    >>> round(float(char_yield(500)), 3)
    0.34
    """
    tables = tables or load_tables()
    y300 = tables.factor("pyrolysis_char_yield_300c") if y300 is None else y300
    y700 = tables.factor("pyrolysis_char_yield_700c") if y700 is None else y700
    t = np.asarray(temperature_c, float)
    return y300 + (np.asarray(y700) - np.asarray(y300)) * (t - 300.0) / 400.0


def conversion(biomass_t, pathway, temperature_c, p: dict) -> dict:
    """Products of each pathway for given biomass and parameters (arrays broadcast).

    Parameters
    ----------
    biomass_t : array_like
        Dry biomass [t] (or t ha⁻¹ yr⁻¹).
    pathway : array_like of str
        One of :data:`PATHWAYS` per row.
    temperature_c : array_like
        Pyrolysis temperature [°C] (ignored by the other pathways).
    p : dict
        Parameters: ``lhv`` [GJ t⁻¹], ``eta_el``, ``eta_tot``, ``heat_used`` [–] (default 1),
        ``y300``, ``y700``,
        ``y_oil`` [–], ``ash`` [t t⁻¹], ``bottom_ash_frac`` [–] (bottom plus coarse fly
        ash share of the ash mass), ``ch4_vs`` [m³ t⁻¹ VS], ``etoh`` [L t⁻¹],
        ``ch4_lhv`` [MJ m⁻³], ``etoh_lhv`` [MJ L⁻¹], ``c_frac`` [t C t⁻¹], ``f_c``
        [t C t⁻¹ char], ``ch4_leak`` [–] (share of the digester CH₄ that leaks; default 0);
        each a scalar or an array broadcasting against ``biomass_t``.

    Returns
    -------
    dict of numpy.ndarray
        ``electricity_mwh``, ``heat_gj``, ``fuel_gj``, ``useful_energy_gj``,
        ``methane_m3`` (produced), ``methane_leak_m3`` (leaked),
        ``ethanol_l``, ``biochar_t``, ``bio_oil_t``, ``gas_t``, ``ash_t``,
        ``bottom_ash_t``, ``fly_ash_t`` (``ash_t`` split by ``bottom_ash_frac``),
        ``biomass_c_t``, ``char_c_t``, ``volatiles_c_t``; zero for pathways that do not
        make the product, NaN where a needed parameter is unknown.

    References
    ----------
    .. [1] IEA ETSAP (2007) ETE03 Biomass for power generation and CHP (η_el, η_total).
    .. [2] Yue Y. et al. (2018) BioResources 13(4):7455 (pyrolysis char and oil yields).
    .. [3] GTZ biogas yields; Nizami A.-S. et al. (2009) Environ. Sci. Technol. 43:8496
       (CH₄ per t VS); Humbird D. et al. (2011) NREL/TP-5100-47764 and Tang C. et al. (2018)
       Front. Plant Sci. 9:440 (ethanol per t DM).
    .. [4] NIST Chemistry WebBook (enthalpies of combustion → LHV of CH₄ and ethanol);
       IPCC (2006) Vol. 4 Ch. 4 (carbon fraction 0.47); IPCC (2019) App. 4 Table 4A.1 (F_C).
    .. [5] BIOS Bioenergiesysteme, ash utilisation (fine fly ash 5–10 % of the ash).

    Examples
    --------
    1 t of Miscanthus in CHP (LHV 17 GJ/t, η_el 0.32, η_total 0.875):

    >>> out = conversion(1.0, "chp", 0.0, dict(lhv=17.0, eta_el=0.32, eta_tot=0.875, ash=0.027))
    >>> round(float(out["electricity_mwh"]), 3), round(float(out["heat_gj"]), 3)
    (1.511, 9.435)
    """
    B = np.asarray(biomass_t, float)
    path = np.asarray(pathway, dtype=object)
    if B.ndim == 2 and path.ndim == 1:
        path = path[:, None]
    T = np.asarray(temperature_c, float)
    if B.ndim == 2 and T.ndim == 1:
        T = T[:, None]
    g = lambda k: np.asarray(p.get(k, np.nan), float)  # noqa: E731
    chp, pyro, ad, eth = path == "chp", path == "pyrolysis", path == "digestion", path == "ethanol"
    zero = np.zeros(np.broadcast(B, path).shape)
    energy_in = B * g("lhv")
    el_gj = np.where(chp, energy_in * g("eta_el"), zero)
    heat_used = np.asarray(p.get("heat_used", 1.0), float)
    heat = np.where(chp, energy_in * (g("eta_tot") - g("eta_el")) * heat_used, zero)
    ch4 = np.where(ad, B * (1.0 - g("ash")) * g("ch4_vs"), zero)
    etoh = np.where(eth, B * g("etoh"), zero)
    leak = ch4 * np.asarray(p.get("ch4_leak", 0.0), float)
    fuel = (ch4 - leak) * g("ch4_lhv") / 1000.0 + etoh * g("etoh_lhv") / 1000.0
    y_char = np.where(pyro, char_yield(np.where(pyro, T, 500.0), None, g("y300"), g("y700")), 0.0)
    y_oil = np.where(pyro, g("y_oil"), 0.0)
    char = B * y_char
    oil = B * y_oil
    gas = np.where(pyro, B * (1.0 - y_char - y_oil), zero)
    ash = np.where(chp, B * g("ash"), zero)
    bottom_ash = np.where(chp, ash * g("bottom_ash_frac"), zero)
    bc = B * g("c_frac")
    char_c = char * np.where(pyro, g("f_c"), 0.0)
    return {
        "electricity_mwh": el_gj / 3.6, "heat_gj": heat, "fuel_gj": fuel,
        "useful_energy_gj": el_gj + heat + fuel,
        "methane_m3": ch4, "methane_leak_m3": leak, "ethanol_l": etoh, "biochar_t": char, "bio_oil_t": oil, "gas_t": gas, "ash_t": ash,
        "bottom_ash_t": bottom_ash, "fly_ash_t": np.where(chp, ash - bottom_ash, zero),
        "biomass_c_t": bc, "char_c_t": np.where(pyro, char_c, zero),
        "volatiles_c_t": np.where(pyro, bc - char_c, zero),
    }


def factor_draws(tables: Tables, names, n_draws: int, seed: int) -> dict[str, np.ndarray]:
    """Monte Carlo draws of scalar factors of ``factors.csv`` (common random numbers).

    Parameters
    ----------
    tables : Tables
        Literature tables.
    names : iterable of str
        Factor names.
    n_draws : int
        Draws.
    seed : int
        Scenario seed.

    Returns
    -------
    dict
        Name → draws, shape ``(n_draws,)`` [unit of the factor]; blank factors give NaN.
    """
    names = tuple(names)

    def build():
        f = tables.factors.loc[tables.factors["factor"].isin(list(names))].reset_index(drop=True)
        return tuple(f["factor"]), parameter_draws(f, n_draws, seed, id_columns=("factor",))

    drawn, d = tables.memo_draws(("factor_draws", names, n_draws, seed), build)
    return {name: d[i] for i, name in enumerate(drawn)}
