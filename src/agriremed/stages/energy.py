"""Bioenergy from harvested biomass, and where its metals end up.

Pathways (``energy_pathway`` in ``options.csv``), for B t DM ha⁻¹ yr⁻¹ of biomass:

``chp`` — combustion in a biomass CHP plant: electricity = B · LHV · η_el, useful
    heat = B · LHV · (η_total − η_el) · u, where u is the share of the heat that finds a
    user (1 by default; 0 for a power-only plant); ash = B · ash fraction, of which a
    share f_b (0.90–0.95) leaves as bottom ash with the coarse (cyclone) fly ash and the
    rest as fine fly ash collected in the flue-gas filter.
``pyrolysis`` — slow pyrolysis at temperature T: char = B · y_char(T), with y_char
    falling linearly from 0.40 at 300 °C to 0.28 at 700 °C; bio-oil = B · y_oil
    (0.29–0.31); gas = the remainder. The energy of oil and gas runs the process and is
    not credited (their heating values are not sourced). Process CH₄ is 0 in a
    high-technology plant that burns its pyrolysis gases (VM0044, Puro); a low-technology
    kiln sets ``pyrolysis_ch4_t_t_char`` (VM0044 default 0.049). Plant electricity is
    125 kWh per t biochar (``pyrolysis_electricity_kwh_t_char``, 100–250 from the ratings
    of three continuous units), charged in the carbon ledger through the grid factor.
``digestion`` — anaerobic digestion: CH₄ = B · (1 − ash) · Y_CH₄ (m³ per t volatile
    solids), of which a share λ leaks from the digester and storage (2.8–10 %, typical
    5 %, ``digestion_ch4_leak_frac``); fuel energy = CH₄ · (1 − λ) · 35.8 MJ m⁻³, displacing
    natural gas. The leaked CH₄ is an emission of the carbon ledger (``conversion_process``).
``ethanol`` — lignocellulosic or sugar ethanol: ethanol = B · Y_EtOH (L t⁻¹ DM); fuel
    energy = ethanol · 21.1 MJ L⁻¹, displacing gasoline. The plant's own energy is that of
    a Chinese sweet-sorghum plant (Shandong LCA): 380.4 kWh of grid electricity and 611.2 kg
    of coal per t ethanol (``ethanol_plant_kwh_l`` 0.3001 and ``ethanol_plant_coal_kg_l``
    0.4822 per litre), charged in the carbon ledger through the grid and coal factors; a
    plant that fires its bagasse or lignin (the NREL design) sets both to 0. Enzymes and
    chemicals are not counted.
``chp`` with no heat user is a power-only plant (the default): its heat displaces nothing.
``none`` — no energy use.

Useful energy is electricity + heat + fuel [GJ]; *fossil energy displaced* is the same
sum on a final-energy basis (grid electricity, coal-fired heat, natural gas or gasoline).

**Carbon in pyrolysis.** Biomass C = B · C_frac (0.47); char C = char · F_C (IPCC organic
C fraction of the char); the volatiles (oil + gas) carry the rest, so the carbon balance
closes by construction and a char that would hold more C than its feedstock is flagged
by a negative volatile C.

**Metal fate.** :func:`metal_fate` splits the metal in the harvest (shoot concentration
× biomass) into the products of each pathway with the shares of
``metal_partitioning.csv`` (by pathway, feedstock group — ``hyperaccumulator`` for
phytoextraction crops or shoot Cd ≥ 100 mg kg⁻¹ — metal and temperature). Within a
sourced set the shares sum to 1 (one share is the remainder), so metal in = metal out.
Where the literature gives no split the share is left blank (a *gap*) and the
concentration in the product is **bounded**: between 0 (or the biomass concentration
for a product lighter than the biomass) and "all the metal in this product". A product
spread on land (char, bottom ash, digestate, stillage, residue) is compared with the
metal limits of ``land_application_limits.csv`` (default NY 525-2012): *exceeds* when
even the lower bound is above the limit, *below* when the upper bound is at or below it,
*unknown* otherwise.

**Combustion ash.** Cd and Zn of ordinary biomass split between the fine fly ash (35–65 %
of the Cd, 35–55 % of the Zn in the ash) and the bottom ash with the coarse fly ash (the
rest); the stack emission behind the filter is not quantified and taken as 0, so both
ashes carry all the metal (conservative for their concentrations). Concentration in
each ash = metal share × metal / (ash mass × its mass share). Pb, As and Cu, and every
metal of hyperaccumulator biomass, have no sourced split: their bottom-ash concentration
is bounded. The bottom ash is checked against the land-application limits; the fine fly
ash is never spread on land: its status is ``hazardous_unless_tested``.

**Residue disposal** per plot × option: ``hazardous_waste`` for hyperaccumulator
biomass and everything made from it (it is never a soil amendment, whatever its
predicted concentrations); ``exceeds_land_limit`` when a land product exceeds a limit;
``land_application_ok`` when every metal with a limit is shown to be below it;
``test_before_use`` otherwise; ``none`` when the option produces no residue. For
combustion the class is that of the bottom ash; the note adds that the fly ash is
hazardous waste unless a test shows otherwise.

References
----------
.. [1] IEA ETSAP (2007) ETE03 Biomass for power generation and CHP (η_el 30–34 %,
   CHP total 85–90 %).
.. [2] Yue Y. et al. (2018) BioResources 13(4):7455 (char 40 → 28 %, oil 29–31 %,
   300 → 700 °C).
.. [3] Pyrolysis of Sedum plumbizincicola at 450–750 °C (> 87.6 % of Cd to bio-oil,
   > 66.3 % of Zn in char); Han Z. et al. (2018) BioResources 13(2):2932 (Broussonetia:
   63.2–68.2 % of Cd in the solid).
.. [4] GTZ biogas yields; Nizami A.-S. et al. (2009) Environ. Sci. Technol. 43:8496;
   Humbird D. et al. (2011) NREL/TP-5100-47764; Tang C. et al. (2018) Front. Plant Sci.
   9:440.
.. [5] Ministry of Agriculture (2012) NY 525-2012 Organic fertiliser (metal limits).
.. [6] SUMATECS (2008): hyperaccumulator shoot Cd > 100 mg kg⁻¹.
.. [7] BIOS Bioenergiesysteme, General information concerning ash utilisation (fine fly ash
   5–10 % of the ash with 35–65 % of its Cd and 35–55 % of its Zn); Bayerisches LfU (2009)
   Holzasche-Merkblatt (grate ash 60–90 % of the ash); Chalot M. et al. (2012) Environ.
   Sci. Technol. 46:13361 (Cd, Pb, Zn in the filter ash or the stack); Combustion of Salix
   used for phytoextraction, Biomass Bioenergy (2013) (Cd, Zn highest in fly ash).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.stages.biomass import metal_in_biomass, species_property, species_property_draws
from agriremed.core import frames as _frames
from agriremed.core.messages import Message, render_column
from agriremed.models.ipcc import biochar_fc
from agriremed.models.energy import PATHWAYS, TEMPERATURE_C, char_yield, conversion, factor_draws
from agriremed.stages.options import library_parameter, option_parameter_draws
from agriremed.core.tables import Tables, load_tables

__all__ = [
    "char_yield",
    "pyrolysis_yields",
    "conversion",
    "energy_outputs",
    "energy_draws",
    "energy_draw_sampler",
    "metal_fate",
    "partition_metal",
    "factor_draws",
    "TEMPERATURE_C",
    "PATHWAYS",
    "LAND_PRODUCTS",
    "DEFAULT_LIMIT_SET",
]

#: Products that are spread on land when they are used (checked against metal limits).
LAND_PRODUCTS = ("char", "ash", "bottom_ash", "digestate", "stillage", "residue")

#: Products that never go on land and are hazardous waste unless a test shows otherwise.
HAZARDOUS_PRODUCTS = ("fly_ash",)

#: ``land_status`` of a product in :data:`HAZARDOUS_PRODUCTS`.
HAZARDOUS_STATUS = "hazardous_unless_tested"

#: Why the fine fly ash of combustion is hazardous waste unless tested (sources: BIOS ash
#: utilisation; cd_combustion2020; Chalot et al. 2012; see ``sources.csv``).
FLY_ASH_NOTE = ("fly ash (fine filter ash): hazardous waste unless tested — volatile Cd, Pb and Zn "
                "condense on it, straw fly-ash Cd is about half water-leachable, and it must be "
                "industrially used or disposed of, never spread on land")

#: :data:`FLY_ASH_NOTE` as a message (``res.fly_ash``; the English template is that text).
FLY_ASH_MSG = Message.of("res.fly_ash")

#: Message of each residue class code of :func:`_disposal` (none, hazardous waste, exceeds a
#: land-application limit, land application ok, test before use).
_DISPOSAL_MSG = (None, Message.of("res.hyperaccumulator"), Message.of("res.not_for_land"),
                 Message.of("res.below_limits"), Message.of("res.test_first"))

#: Land product of each pathway when the partition table names none.
_DEFAULT_PRODUCT = {"chp": "bottom_ash", "pyrolysis": "char", "digestion": "digestate", "ethanol": "stillage",
                    "none": "biomass"}

#: Limit set used for land application unless another is asked for.
DEFAULT_LIMIT_SET = "ny525_2012"

#: Scalar factors of ``factors.csv`` used by the conversions.
_FACTORS = ("chp_electric_efficiency", "chp_total_efficiency", "chp_heat_used_frac", "chp_bottom_ash_frac",
            "pyrolysis_char_yield_300c", "pyrolysis_char_yield_700c", "pyrolysis_oil_yield",
            "methane_lhv_mj_m3", "ethanol_lhv_mj_l", "digestion_ch4_leak_frac")


def pyrolysis_yields(temperature_c, tables: Tables | None = None) -> pd.DataFrame:
    """Char, bio-oil and gas yields of slow pyrolysis as a function of temperature.

    Parameters
    ----------
    temperature_c : array_like
        Highest treatment temperature [°C], 300–700.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.DataFrame
        ``temperature_c`` [°C], ``char``, ``oil``, ``gas`` [t t⁻¹ dry feedstock]; the
        three sum to 1 (gas is the remainder).

    References
    ----------
    .. [1] Yue Y. et al. (2018) BioResources 13(4):7455 (sunflower straw: char 40 → 28 %,
       bio-oil 29–31 %, syngas 29–44 % from 300 to 700 °C).

    Examples
    --------
    >>> pyrolysis_yields([300, 700]).round(2)[["char", "oil", "gas"]].values.tolist()
    [[0.4, 0.3, 0.3], [0.28, 0.3, 0.42]]
    """
    tables = tables or load_tables()
    t = np.atleast_1d(np.asarray(temperature_c, float))
    ch = char_yield(t, tables)
    oil = np.full(t.shape, tables.factor("pyrolysis_oil_yield"))
    return pd.DataFrame({"temperature_c": t, "char": ch, "oil": oil, "gas": 1.0 - ch - oil})


def _row_context(option_rows: pd.DataFrame, biomass: pd.DataFrame, tables: Tables, grid=None):
    """Pathway, temperature, species and feedstock class of every plot × option row."""
    lib = tables.options
    g = _frames.grid(biomass, None, tables, grid)

    def per_opt(col, fill=np.nan):
        return g.per_option(_frames.obj(lib[col]), fill)

    path = per_opt("energy_pathway")
    path = np.where(pd.isna(path), "none", path).astype(object)
    temp = g.per_option(np.array([TEMPERATURE_C.get(t, np.nan)
                                  for t in _frames.obj(lib["biochar_temperature"]).tolist()], dtype=float))
    species = (_frames.obj(biomass["biomass_species"]) if "biomass_species" in biomass else per_opt("species"))
    feed = per_opt("biochar_feedstock")
    kind = per_opt("kind")
    return path, temp, species, feed, kind, g


def _params(g, species, feed, tables: Tables) -> dict:
    """Typical conversion parameters per row (species properties looked up once per species)."""
    lhv_opt = g.per_option(library_parameter(tables, "lhv_gj_t"))
    first, inv = _frames.distinct(species)
    sp = np.asarray(species, dtype=object)[first]
    prop = lambda name: np.asarray(species_property(tables, sp, name), float)[inv]  # noqa: E731
    lhv = np.where(np.isnan(lhv_opt), prop("lhv_gj_t"), lhv_opt)
    f = {k: tables.factor(k) for k in _FACTORS}
    ffirst, finv = _frames.distinct(feed)
    f_c = np.asarray(biochar_fc(np.asarray(feed, dtype=object)[ffirst], "pyrolysis", tables), float)[finv]
    return dict(lhv=lhv, eta_el=f["chp_electric_efficiency"], eta_tot=f["chp_total_efficiency"],
                heat_used=f["chp_heat_used_frac"], bottom_ash_frac=f["chp_bottom_ash_frac"],
                y300=f["pyrolysis_char_yield_300c"], y700=f["pyrolysis_char_yield_700c"],
                y_oil=f["pyrolysis_oil_yield"], ash=prop("ash_frac"),
                ch4_vs=prop("methane_m3_t_vs"),
                etoh=prop("ethanol_l_t"), ch4_lhv=f["methane_lhv_mj_m3"],
                etoh_lhv=f["ethanol_lhv_mj_l"], c_frac=prop("carbon_frac"), f_c=f_c,
                ch4_leak=f["digestion_ch4_leak_frac"])


def _products(option_rows, biomass, tables, grid=None):
    path, temp, species, feed, kind, g = _row_context(option_rows, biomass, tables, grid)
    B = biomass["biomass_t_dm_ha_yr"].to_numpy(float)
    out = conversion(B, path, temp, _params(g, species, feed, tables))
    return out, path, temp, species, kind, g


def _metal_in_rows(biomass, by_metal, g):
    """:func:`agriremed.stages.biomass.metal_in_biomass` as arrays, with the biomass row of each entry."""
    pos = g.rows_of(by_metal) if len(by_metal) else np.zeros(0, np.intp)
    if pos is None:
        mib = metal_in_biomass(biomass, by_metal)
        key = pd.MultiIndex.from_frame(biomass[["plot_id", "option_id"]])
        r = pd.Series(np.arange(len(biomass)), index=key).reindex(
            pd.MultiIndex.from_frame(mib[["plot_id", "option_id"]])).to_numpy(int) if len(mib) else np.zeros(0, int)
        return {c: (_frames.obj(mib[c]) if c in ("plot_id", "option_id", "metal") else mib[c].to_numpy(float))
                for c in mib.columns}, r
    B = _frames.take(biomass["biomass_t_dm_ha_yr"].to_numpy(float), pos)
    shoot = by_metal["shoot_mg_kg"].to_numpy(float) if len(by_metal) else np.zeros(0)
    keep = (pos >= 0) & ~np.isnan(shoot) & ~np.isnan(B)
    mib = {"plot_id": _frames.obj(by_metal["plot_id"])[keep] if len(by_metal) else np.zeros(0, object),
           "option_id": _frames.obj(by_metal["option_id"])[keep] if len(by_metal) else np.zeros(0, object),
           "metal": _frames.obj(by_metal["metal"])[keep] if len(by_metal) else np.zeros(0, object),
           "shoot_mg_kg": shoot[keep], "biomass_t_dm_ha_yr": B[keep]}
    mib["metal_g_ha_yr"] = mib["shoot_mg_kg"] * mib["biomass_t_dm_ha_yr"]
    return mib, pos[keep]


def _shoot_cd(by_metal: pd.DataFrame, rows: pd.DataFrame, g) -> np.ndarray:
    """Cd in the harvest of each plot × option row [mg kg⁻¹] (NaN where not predicted)."""
    cols = ["plot_id", "option_id", "shoot_mg_kg"]
    cd = by_metal.loc[_frames.obj(by_metal["metal"]) == "cd", cols] if len(by_metal) else \
        pd.DataFrame(columns=cols)
    return _frames.take(cd["shoot_mg_kg"].to_numpy(float), g.locate(cd, rows))


def _ash_cd(fate: pd.DataFrame, rows: pd.DataFrame, product: str, g) -> np.ndarray:
    """Typical Cd concentration in one combustion ash product per plot × option row [mg kg⁻¹]."""
    cols = ["plot_id", "option_id", "product_conc_mg_kg"]
    if not len(fate):
        return np.full(len(rows), np.nan)
    f = fate.loc[(_frames.obj(fate["metal"]) == "cd") & (_frames.obj(fate["product"]) == product), cols]
    return _frames.take(f["product_conc_mg_kg"].to_numpy(float), g.locate(f, rows))


def _feedstock_group(kind, shoot_cd, tables: Tables) -> np.ndarray:
    hyper = (np.asarray(kind, dtype=object) == "phytoextraction") | \
        (np.nan_to_num(np.asarray(shoot_cd, float)) >= tables.factor("hyperaccumulator_cd_mg_kg"))
    return _frames.texts_by_code(hyper, ("other", "hyperaccumulator"))


def _partition_sets(tables: Tables) -> list[tuple]:
    """The literature sets of ``metal_partitioning.csv`` in table order: (pathway, feedstock
    group, metal, above °C, up to °C, [(fraction, share, source, note), …]); a ``remainder``
    share is 1 − the set's ``value`` shares, a ``gap`` share NaN."""
    pt = tables.metal_partitioning.reset_index(drop=True)
    key = ["pathway", "feedstock_group", "metal", "t_above_c", "t_up_to_c"]
    out = []
    for k, rows in pt.groupby(key, sort=False):
        vals = rows.loc[rows["share_rule"] == "value", "typical"].to_numpy(float)
        entries = [(r.fraction, r.typical if r.share_rule == "value" else
                    (1.0 - vals.sum() if r.share_rule == "remainder" else np.nan), r.source, r.note)
                   for r in rows.itertuples(index=False)]
        out.append((*k, entries))
    return out


def partition_metal(metal_g, pathway, feedstock_group, metal, temperature_c, product_t, biomass_t,
                    tables: Tables | None = None, limit_set: str = DEFAULT_LIMIT_SET) -> pd.DataFrame:
    """Split metal in harvested biomass into the products of its conversion pathway.

    Parameters
    ----------
    metal_g : array_like
        Metal in the biomass [g] (or g ha⁻¹ yr⁻¹).
    pathway, feedstock_group, metal : array_like of str
        Pathway (:data:`PATHWAYS`), ``hyperaccumulator`` or ``other``, metal code.
    temperature_c : array_like
        Process temperature [°C] (pyrolysis).
    product_t : dict
        Product name (``char``, ``oil``, ``gas``, ``oil_gas``, ``ash``, ``bottom_ash``,
        ``fly_ash``, ``biomass``) → array of product masses [t] row-aligned with
        ``metal_g``; products not given have unknown mass (bounded by ``biomass_t``). A
        total ``ash`` given without ``bottom_ash`` and ``fly_ash`` is split by the
        ``chp_bottom_ash_frac`` factor (typical).
    biomass_t : array_like
        Dry biomass [t].
    tables : Tables, optional
        Literature tables.
    limit_set : str
        ``limit_set`` of ``land_application_limits.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per input row × product: ``row`` (input position), ``product``,
        ``metal_share`` [–] (NaN for a gap), ``metal_out_g`` [g], ``product_t`` [t],
        ``product_conc_mg_kg``, ``product_conc_low_mg_kg``, ``product_conc_high_mg_kg``
        [mg kg⁻¹], ``land_product`` (bool), ``land_limit_mg_kg`` [mg kg⁻¹],
        ``land_status`` (``exceeds``, ``below``, ``unknown``, ``not_applied``, or
        ``hazardous_unless_tested`` for combustion fly ash), ``source``, ``note``.

    References
    ----------
    .. [1] Pyrolysis of Sedum plumbizincicola at 450–750 °C (> 87.6 % of Cd to the bio-oil,
       > 66.3 % of Zn in the char).
    .. [2] Han Z. et al. (2018) BioResources 13(2):2932 (Broussonetia: 63.2–68.2 % of Cd and
       69.0–77.9 % of Cu in the solid).
    .. [3] Sedum alfredii acid–alkali pretreatment (J. Hazard. Mater. 2021): 99.22 % of Cd in
       the pretreatment liquor.
    .. [4] Ministry of Agriculture (2012) NY 525-2012 Organic fertiliser (metal limits).
    .. [5] BIOS Bioenergiesysteme, ash utilisation: 35–65 % of the Cd and 35–55 % of the Zn
       in the ash are in the fine fly ash (5–10 % of the ash mass).

    Examples
    --------
    Sedum shoots with 100 mg Cd/kg, 3 t, pyrolysed at 525 °C (char 1.02 t):

    >>> r = partition_metal([300.0], ["pyrolysis"], ["hyperaccumulator"], ["cd"], [525.0],
    ...                     {"char": np.array([1.02]), "oil": np.array([0.9])}, [3.0])
    >>> r[["product", "metal_share", "metal_out_g"]].round(3).values.tolist()
    [['oil', 0.876, 262.8], ['char', 0.124, 37.2]]
    >>> round(float(r["product_conc_mg_kg"].iloc[1]), 1), r["land_status"].iloc[1]
    (36.5, 'exceeds')

    Miscanthus shoots with 0.5 mg Cd/kg, 10 t burnt (ash 0.27 t, 92.5 % of it bottom ash):
    half the Cd goes to the fine fly ash.

    >>> r = partition_metal([5.0], ["chp"], ["other"], ["cd"], [np.nan], {"ash": np.array([0.27])},
    ...                     [10.0])
    >>> r[["product", "metal_out_g", "land_status"]].round(2).values.tolist()
    [['fly_ash', 2.5, 'hazardous_unless_tested'], ['bottom_ash', 2.5, 'exceeds']]
    >>> r["product_conc_mg_kg"].round(1).tolist()
    [123.5, 10.0]
    """
    tables = tables or load_tables()
    M = np.asarray(metal_g, float)
    n = len(M)
    path = np.asarray(pathway, dtype=object)
    grp = np.asarray(feedstock_group, dtype=object)
    met = np.asarray(metal, dtype=object)
    T = np.asarray(temperature_c, float)
    B = np.asarray(biomass_t, float)
    set_of_row = np.full(n, -1)
    best = np.full(n, -1)
    sets = tables.memo("partition_sets", lambda: _partition_sets(tables))
    temp_ok_any = path != "pyrolysis"  # only pyrolysis shares depend on temperature
    for s_id, (pw, fg, mt, t_above, t_up_to, _) in enumerate(sets):  # a few literature sets
        m = (path == pw) & (met == mt) & ((grp == fg) | (fg == "*"))
        with np.errstate(invalid="ignore"):
            m &= temp_ok_any | ((T > t_above) & (T <= t_up_to))
        spec = int(fg != "*")
        take = m & (spec > best)
        set_of_row[take], best[take] = s_id, spec
    acc = {"row": [], "fraction": [], "share": [], "source": [], "note": []}
    for s_id, (*_, entries) in enumerate(sets):
        sel = np.flatnonzero(set_of_row == s_id)
        if not len(sel):
            continue
        for fraction, share, source, note in entries:
            acc["row"].append(sel)
            for c, v in (("fraction", fraction), ("share", share), ("source", source), ("note", note)):
                acc[c].append(np.full(len(sel), v, dtype=float if c == "share" else object))
    parts = [pd.DataFrame({c: np.concatenate(v) for c, v in acc.items()})] if acc["row"] else []
    missing = np.flatnonzero(set_of_row < 0)
    if len(missing):
        parts.append(pd.DataFrame({
            "row": missing,
            "fraction": pd.Series(path[missing]).map(_DEFAULT_PRODUCT).fillna("biomass").to_numpy(),
            "share": np.where(path[missing] == "none", 1.0, np.nan),
            "source": np.where(path[missing] == "none", "mass_conservation", "reference_gap"),
            "note": np.where(path[missing] == "none", "biomass not converted: all metal stays in it",
                             "no partition for this pathway, feedstock, metal and temperature")}))
    cols = ["row", "fraction", "share", "source", "note"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    out = out.sort_values(["row"], kind="stable").reset_index(drop=True)
    i = out["row"].to_numpy(int)
    frac = out["fraction"].astype(object).to_numpy(object)
    share = out["share"].to_numpy(float)
    mass = np.full(len(out), np.nan)
    prod = dict(product_t)
    prod.setdefault("biomass", B)
    if "ash" in prod and not ("bottom_ash" in prod or "fly_ash" in prod):
        ash = np.asarray(prod["ash"], float)
        f_b = tables.factor("chp_bottom_ash_frac")
        prod["bottom_ash"], prod["fly_ash"] = ash * f_b, ash * (1.0 - f_b)
    if "oil" in prod and "gas" in prod:
        prod.setdefault("oil_gas", np.asarray(prod["oil"], float) + np.asarray(prod["gas"], float))
    for name, arr in prod.items():
        sel = frac == name
        mass[sel] = np.asarray(arr, float)[i[sel]]
    Mi = M[i]
    with np.errstate(divide="ignore", invalid="ignore"):
        conc = share * Mi / mass
        hi = np.where(np.isnan(share), Mi / mass, conc)             # gap: at most all the metal
        hi = np.where(np.isnan(mass), np.inf, hi)
        lighter = np.isin(frac, ["digestate", "stillage", "residue", "liquor"])
        lo_unknown_mass = np.where(lighter, share * Mi / B[i], 0.0)
        lo = np.where(np.isnan(share), 0.0, np.where(np.isnan(mass), lo_unknown_mass, conc))
    land = np.isin(frac, LAND_PRODUCTS)
    lim = tables.memo(("land_limits", limit_set), lambda: tables.land_application_limits.loc[
        tables.land_application_limits["limit_set"] == limit_set].set_index("metal")["limit_mg_kg"])
    limit = _frames.lookup(lim, met[i]).astype(float)
    status = np.where(~land, "not_applied", np.where(np.isnan(limit), "unknown",
                      np.where(lo > limit, "exceeds", np.where(hi <= limit, "below", "unknown"))))
    status = np.where(np.isin(frac, HAZARDOUS_PRODUCTS), HAZARDOUS_STATUS, status)
    cols = dict(out.rename(columns={"fraction": "product", "share": "metal_share"}).items())
    cols.update(metal_out_g=share * Mi, product_t=mass, product_conc_mg_kg=conc, product_conc_low_mg_kg=lo,
                product_conc_high_mg_kg=hi, land_product=land, land_limit_mg_kg=np.where(land, limit, np.nan),
                land_status=status)
    return pd.DataFrame({c: cols[c] for c in ("row", "product", "metal_share", "metal_out_g", "product_t",
                                              "product_conc_mg_kg", "product_conc_low_mg_kg",
                                              "product_conc_high_mg_kg", "land_product", "land_limit_mg_kg",
                                              "land_status", "source", "note")}, index=out.index)


def metal_fate(option_rows: pd.DataFrame, biomass: pd.DataFrame, by_metal: pd.DataFrame,
               tables: Tables | None = None, limit_set: str = DEFAULT_LIMIT_SET, *,
               grid: _frames.Grid | None = None) -> pd.DataFrame:
    """Where the metal in each harvest goes, and how concentrated it is in each product.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    biomass : pandas.DataFrame
        First output of :func:`agriremed.stages.biomass.harvested_biomass`.
    by_metal : pandas.DataFrame
        Per-metal duration table (``shoot_mg_kg`` [mg kg⁻¹]).
    tables : Tables, optional
        Literature tables.
    limit_set : str
        Land-application limit set.
    grid : agriremed.core.frames.Grid, optional
        Option position of every row (computed from the ids when not given).

    Returns
    -------
    pandas.DataFrame
        One row per plot × option × metal × product: ``plot_id``, ``option_id``,
        ``energy_pathway``, ``feedstock_group``, ``metal``, ``biomass_metal_mg_kg``,
        ``metal_in_g_ha_yr`` [g ha⁻¹ yr⁻¹], ``product``, ``metal_share`` [–],
        ``metal_out_g_ha_yr`` [g ha⁻¹ yr⁻¹], ``product_t_ha_yr`` [t ha⁻¹ yr⁻¹],
        ``product_conc_mg_kg``, ``product_conc_low_mg_kg``, ``product_conc_high_mg_kg``,
        ``land_limit_mg_kg`` [mg kg⁻¹], ``land_product``, ``land_status``, ``source``,
        ``note``.
    """
    tables = tables or load_tables()
    prods, path, temp, species, kind, g = _products(option_rows, biomass, tables, grid)
    mib, r = _metal_in_rows(biomass, by_metal, g)
    shoot_cd = _shoot_cd(by_metal, biomass, g)
    group = _feedstock_group(kind, shoot_cd, tables)
    chp = path[r] == "chp"
    product_t = {"char": prods["biochar_t"][r], "oil": prods["bio_oil_t"][r], "gas": prods["gas_t"][r],
                 "ash": np.where(chp, prods["ash_t"][r], np.nan),
                 "bottom_ash": np.where(chp, prods["bottom_ash_t"][r], np.nan),
                 "fly_ash": np.where(chp, prods["fly_ash_t"][r], np.nan)}
    parts = partition_metal(mib["metal_g_ha_yr"], path[r], group[r], mib["metal"], temp[r], product_t,
                            mib["biomass_t_dm_ha_yr"], tables, limit_set)
    j = parts["row"].to_numpy(int)
    cols = {
        "plot_id": mib["plot_id"][j], "option_id": mib["option_id"][j],
        "energy_pathway": path[r][j], "feedstock_group": group[r][j],
        "metal": mib["metal"][j],
        "biomass_metal_mg_kg": mib["shoot_mg_kg"][j],
        "metal_in_g_ha_yr": mib["metal_g_ha_yr"][j],
    }
    rename = {"metal_out_g": "metal_out_g_ha_yr", "product_t": "product_t_ha_yr"}
    for c in parts.columns.drop("row"):
        v = parts[c].to_numpy()
        cols[rename.get(c, c)] = _frames.obj(parts[c]) if v.dtype == object or \
            pd.api.types.is_string_dtype(parts[c]) else v
    return _frames.frame(cols, len(j))


def _disposal(option_rows, biomass, group, fate, tables, limit_set, g):
    """Residue class and its explanation per plot × option: the class code and the explanation
    as an encoded message (:mod:`agriremed.core.messages`; ``None`` where the option is not
    applicable or harvests nothing)."""
    B = biomass["biomass_t_dm_ha_yr"].to_numpy(float)
    n = len(B)
    produces = ~np.isnan(B) & (B > 0)
    lim = tables.land_application_limits
    limited = set(lim.loc[(lim["limit_set"] == limit_set) & lim["limit_mg_kg"].notna(), "metal"])
    land = fate.loc[fate["land_product"].astype(bool).to_numpy()] if len(fate) else fate
    exceeds = np.zeros(n, bool)
    n_below = np.zeros(n, int)
    worst = np.full(n, "", dtype=object)
    if len(land):
        row = g.rows_of(land)
        if row is None:
            row = pd.MultiIndex.from_frame(biomass[["plot_id", "option_id"]].astype(object)).get_indexer(
                pd.MultiIndex.from_arrays([_frames.obj(land["plot_id"]), _frames.obj(land["option_id"])]))
        status = _frames.obj(land["land_status"])
        metal = _frames.obj(land["metal"])
        ok = row >= 0
        ex = (status == "exceeds") & ok
        exceeds[row[ex]] = True
        below = (status == "below") & np.isin(metal, list(limited)) & ok
        if below.any():
            first, _ = _frames.distinct(row[below], metal[below])  # metals, counted once per row
            n_below = np.bincount(row[below][first], minlength=n)
        low = land["product_conc_low_mg_kg"].to_numpy(float)
        high = land["product_conc_high_mg_kg"].to_numpy(float)
        limit = land["land_limit_mg_kg"].to_numpy(float)
        product = _frames.obj(land["product"])

        memo: dict = {}

        def metal_msg(code, conc, i):
            # the concentration as its text prints it (3 significant digits): rows that print alike
            # share one message, encoded once
            c = float(f"{float(conc[i]):.3g}") if np.isfinite(conc[i]) else float(conc[i])
            key = (code, metal[i], product[i], c, float(limit[i]))
            enc = memo.get(key)
            if enc is None:
                enc = memo[key] = Message.of(code, metal=str(metal[i]), product=str(product[i]), conc=c,
                                             limit=float(limit[i]), limit_set=limit_set).encode()
            return enc

        with np.errstate(divide="ignore", invalid="ignore"):
            worst = _top_text(row, ex, low / limit, lambda i: metal_msg("res.metal_over", low, i), n)
            unknown = (status == "unknown") & ~np.isnan(limit) & np.isfinite(high) & ok
            bound = _top_text(row, unknown, high / limit, lambda i: metal_msg("res.metal_could_reach", high, i), n)
        worst = np.where(worst == "", bound, worst)
    ok = (n_below >= len(limited)) & (len(limited) > 0)
    hyper = group == "hyperaccumulator"
    applicable = option_rows["applicable"].to_numpy(bool)
    code = np.select([~produces, hyper, exceeds, ok], [0, 1, 2, 3], 4)
    disposal = _frames.texts_by_code(code, ("none", "hazardous_waste", "exceeds_land_limit", "land_application_ok",
                                            "test_before_use"))

    def joined(c, w):
        return ((_DISPOSAL_MSG[c] or Message()) + Message.decode(w)).encode()

    note = _frames.per_distinct(joined, code, worst)
    return np.where(applicable, disposal, None), np.where(applicable & produces, note, None)


def _top_text(row, sel, ratio, text, n) -> np.ndarray:
    """Per row of the plot × option table, ``text(i)`` of the entry ``i`` (among ``sel``) with the
    largest ``ratio`` (the first such entry on ties; ``''`` where there is none)."""
    out = np.full(n, "", dtype=object)
    idx = np.flatnonzero(sel)
    if not len(idx):
        return out
    order = idx[np.lexsort((idx, -ratio[idx], row[idx]))]
    r = row[order]
    top = order[np.r_[True, r[1:] != r[:-1]]]
    out[row[top]] = [text(i) for i in top]
    return out


def energy_outputs(option_rows: pd.DataFrame, biomass: pd.DataFrame, by_metal: pd.DataFrame,
                   tables: Tables | None = None, fate: pd.DataFrame | None = None,
                   limit_set: str = DEFAULT_LIMIT_SET, *, grid: _frames.Grid | None = None) -> pd.DataFrame:
    """Energy, products, carbon split and residue disposal per plot × option.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    biomass : pandas.DataFrame
        First output of :func:`agriremed.stages.biomass.harvested_biomass`.
    by_metal : pandas.DataFrame
        Per-metal duration table (``shoot_mg_kg``: metal in the harvest) [mg kg⁻¹].
    tables : Tables, optional
        Literature tables.
    fate : pandas.DataFrame, optional
        Output of :func:`metal_fate` (computed here when not given).
    limit_set : str
        Land-application limit set.
    grid : agriremed.core.frames.Grid, optional
        Option position of every row (computed from the ids when not given).

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``energy_pathway``, ``biomass_cd_mg_kg`` (Cd in the
        harvest) [mg kg⁻¹], ``useful_energy_gj_ha_yr`` [GJ ha⁻¹ yr⁻¹],
        ``electricity_mwh_ha_yr`` [MWh ha⁻¹ yr⁻¹], ``heat_gj_ha_yr``, ``fuel_gj_ha_yr``,
        ``fossil_energy_displaced_gj_ha_yr`` [GJ ha⁻¹ yr⁻¹], ``methane_m3_ha_yr``
        [m³ ha⁻¹ yr⁻¹], ``ethanol_l_ha_yr`` [L ha⁻¹ yr⁻¹], ``biochar_t_ha_yr``,
        ``bio_oil_t_ha_yr``, ``pyrolysis_gas_t_ha_yr``, ``ash_t_ha_yr``,
        ``bottom_ash_t_ha_yr``, ``fly_ash_t_ha_yr`` [t ha⁻¹ yr⁻¹], ``bottom_ash_cd_mg_kg``,
        ``fly_ash_cd_mg_kg`` (typical Cd in each combustion ash; blank where the split is
        not sourced) [mg kg⁻¹], ``biomass_c_t_ha_yr``, ``char_c_t_ha_yr``, ``volatiles_c_t_ha_yr``
        [t C ha⁻¹ yr⁻¹], ``pyrolysis_temp_c`` [°C], ``feedstock_group``,
        ``residue_disposal``, ``residue_note`` (why the residue has its class, in English) and
        ``residue_note_msg`` (the same as message codes, rendered in any language at the edges).
    """
    tables = tables or load_tables()
    prods, path, temp, species, kind, g = _products(option_rows, biomass, tables, grid)
    B = biomass["biomass_t_dm_ha_yr"].to_numpy(float)
    has_b = ~np.isnan(B)
    out = {"plot_id": _frames.obj(biomass["plot_id"]), "option_id": _frames.obj(biomass["option_id"]),
           "energy_pathway": np.where(has_b | (path == "none"), path, "none"),
           "biomass_cd_mg_kg": _shoot_cd(by_metal, biomass, g)}

    def col(name):
        return np.where(has_b, prods[name], np.nan)

    out["useful_energy_gj_ha_yr"] = col("useful_energy_gj")
    out["electricity_mwh_ha_yr"] = col("electricity_mwh")
    out["heat_gj_ha_yr"] = col("heat_gj")
    out["fuel_gj_ha_yr"] = col("fuel_gj")
    out["fossil_energy_displaced_gj_ha_yr"] = out["useful_energy_gj_ha_yr"]
    out["methane_m3_ha_yr"] = col("methane_m3")
    out["ethanol_l_ha_yr"] = col("ethanol_l")
    out["biochar_t_ha_yr"] = col("biochar_t")
    out["bio_oil_t_ha_yr"] = col("bio_oil_t")
    out["pyrolysis_gas_t_ha_yr"] = col("gas_t")
    out["ash_t_ha_yr"] = col("ash_t")
    out["bottom_ash_t_ha_yr"] = col("bottom_ash_t")
    out["fly_ash_t_ha_yr"] = col("fly_ash_t")
    out["biomass_c_t_ha_yr"] = np.where(has_b, prods["biomass_c_t"], np.nan)
    out["char_c_t_ha_yr"] = col("char_c_t")
    out["volatiles_c_t_ha_yr"] = col("volatiles_c_t")
    out["pyrolysis_temp_c"] = np.where(path == "pyrolysis", temp, np.nan)
    group = _feedstock_group(kind, out["biomass_cd_mg_kg"], tables)
    out["feedstock_group"] = np.where(has_b, group, None)
    if fate is None:
        fate = metal_fate(option_rows, biomass, by_metal, tables, limit_set, grid=g)
    chp = (path == "chp") & has_b
    out["bottom_ash_cd_mg_kg"] = np.where(chp, _ash_cd(fate, biomass, "bottom_ash", g), np.nan)
    out["fly_ash_cd_mg_kg"] = np.where(chp, _ash_cd(fate, biomass, "fly_ash", g), np.nan)
    disposal, note = _disposal(option_rows, biomass, group, fate, tables, limit_set, g)
    fly = chp & (prods["fly_ash_t"] > 0) & pd.notna(note)
    note = note.astype(object)
    note[fly] = _frames.format_unique(note[fly], lambda t: (Message.decode(t) + FLY_ASH_MSG).encode())
    text = np.full(len(note), None, dtype=object)
    has = pd.notna(note)
    text[has] = render_column(note[has], "en", tables)
    out["residue_disposal"], out["residue_note"] = disposal, text
    out["residue_note_msg"] = np.where(has, note, "")
    return _frames.frame(out, len(B))


def energy_draw_sampler(option_rows: pd.DataFrame, biomass: pd.DataFrame, tables: Tables | None = None,
                        n_draws: int = 0, seed: int = 0, grid: _frames.Grid | None = None):
    """A function that draws the energy outputs of any subset of rows (for chunked Monte Carlo).

    The parameter draws (efficiencies, yields, heating values, species properties) are
    made once, per parameter identity (common random numbers); the returned function
    only gathers them for the rows asked for, so chunks of a large portfolio give the
    same numbers as one pass.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    biomass : pandas.DataFrame
        First output of :func:`agriremed.stages.biomass.harvested_biomass`.
    tables : Tables, optional
        Literature tables.
    n_draws : int
        Draws.
    seed : int
        Scenario seed.

    Returns
    -------
    callable
        ``sample(rows, biomass_draws)`` with ``rows`` an integer index into the row
        tables and ``biomass_draws`` of shape ``(len(rows), n_draws)`` [t ha⁻¹ yr⁻¹];
        returns the dict of :func:`conversion`, each ``(len(rows), n_draws)``.
    """
    tables = tables or load_tables()
    path, temp, species, feed, kind, g = _row_context(option_rows, biomass, tables, grid)
    typ = _params(g, species, feed, tables)
    fd = factor_draws(tables, _FACTORS, n_draws, seed)
    scal = dict(eta_el=fd["chp_electric_efficiency"], eta_tot=fd["chp_total_efficiency"],
                heat_used=fd["chp_heat_used_frac"], bottom_ash_frac=fd["chp_bottom_ash_frac"],
                y300=fd["pyrolysis_char_yield_300c"],
                y700=fd["pyrolysis_char_yield_700c"], y_oil=fd["pyrolysis_oil_yield"],
                ch4_lhv=fd["methane_lhv_mj_m3"], etoh_lhv=fd["ethanol_lhv_mj_l"],
                ch4_leak=fd["digestion_ch4_leak_frac"])
    scal = {k: v[None, :] for k, v in scal.items()}
    sp = _frames.obj(species)
    inv, u_species = pd.factorize(np.where(pd.isna(sp), "", sp).astype(object), use_na_sentinel=False)
    u_species = np.asarray(u_species, dtype=str)
    props = {k: species_property_draws(tables, u_species, prop, n_draws, seed)
             for k, prop in (("lhv", "lhv_gj_t"), ("ash", "ash_frac"), ("ch4_vs", "methane_m3_t_vs"),
                             ("etoh", "ethanol_l_t"), ("c_frac", "carbon_frac"))}
    ol, ix_lib = option_parameter_draws(tables, "lhv_gj_t", n_draws, seed)
    ix = g.per_option(ix_lib)
    f_c = np.asarray(typ["f_c"], float)

    def sample(rows, biomass_draws):
        rows = np.asarray(rows, int)
        p = dict(scal)
        for k, arr in props.items():
            p[k] = arr[inv[rows]]
        oix = ix[rows]
        ok = ~np.isnan(oix)
        p["lhv"] = p["lhv"].copy()
        p["lhv"][ok] = ol[oix[ok].astype(int)]
        p["f_c"] = f_c[rows][:, None]
        return conversion(biomass_draws, path[rows], temp[rows], p)

    return sample


def energy_draws(option_rows: pd.DataFrame, biomass: pd.DataFrame, biomass_draws: np.ndarray,
                 tables: Tables | None = None, n_draws: int = 0, seed: int = 0) -> dict:
    """Monte Carlo draws of the energy outputs (same formulas as :func:`energy_outputs`).

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    biomass : pandas.DataFrame
        First output of :func:`agriremed.stages.biomass.harvested_biomass`.
    biomass_draws : numpy.ndarray
        Biomass draws, shape ``(n, n_draws)`` [t ha⁻¹ yr⁻¹].
    tables : Tables, optional
        Literature tables.
    n_draws : int
        Draws.
    seed : int
        Scenario seed.

    Returns
    -------
    dict of numpy.ndarray
        The keys of :func:`conversion`, each shape ``(n, n_draws)``.
    """
    sample = energy_draw_sampler(option_rows, biomass, tables, n_draws, seed)
    return sample(np.arange(len(biomass)), biomass_draws)
