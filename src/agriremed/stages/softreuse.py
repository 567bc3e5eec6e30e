"""Soft re-use of marginal, mine and brownfield land, and the opportunity matrix.

Low-input re-uses — solar PV, permanent grass or woodland cover (phytostabilisation),
public green space, biomass crops and their combinations — are the options ``reuse_options.csv``
lists; the report of the UK SPF programme on brownfields and marginal land in China [1]_
argues that such land has its largest near-term value in renewables with dual use for
habitat, soil carbon and green space. For every plot × re-use :func:`evaluate_reuse` gives:

* **whether it is allowed**: the jurisdiction rules of ``land_rules.csv`` for the re-use's
  ``policy_family`` (``solar_pv``, ``green_space``, ``perennial_grass``, ``trees``), decided
  by :func:`agriremed.stages.options.policy_status` like every plan option — PV arrays may not occupy
  permanent basic farmland or cultivated land (自然资办发〔2023〕12号 [2]_); a grazed
  understorey is not planned on strict-control land (forage and livestock not assessed); a
  biomass re-use takes the plan's own verdict on its option;
* **land shares** (``pv_area_share``, ``cover_area_share``, ``biomass_area_share``,
  ``habitat_area_share``, shares of the plot): a combined re-use counts each hectare once —
  the PV plant's energy and money over its fenced share, the cover's soil carbon and cost
  over the share it covers (under the panels, the same land), a crop's energy, carbon and
  money scaled by its share and the margins' by theirs;
* **energy, carbon, money**: PV from :mod:`agriremed.stages.solar` (the same kernel gives the plan option
  ``pv_grass``, PV with a grass cover, ranked with the other options: its plan row and the
  ``pv_grass`` re-use row agree); the biomass options' values
  from the plan (``electricity_mwh_ha_yr``, ``avoided_electricity_co2e_t_ha_yr``,
  ``net_co2e_vs_baseline_t_ha_yr``, ``npv_vs_baseline_cny_ha``) so they are computed in one
  place; a permanent cover's soil carbon is the IPCC Tier 1 change from the land's current
  category to set-aside (perennial cover) over the horizon (zero on marginal land, already
  set-aside in Tier 1: the carbon that revegetating bare spoil gains is real but Tier 1 does
  not give it, so none is credited); cover costs are the rows of the option named in
  ``cost_option``; NPVs use :func:`agriremed.stages.economics.npv` with the scenario's horizon and
  rate, against the plot's doing-nothing NPV;
* **exposure** where people would be on the land (green space: first-class land; a PV plant's
  workers: second-class land): :func:`gb36600_screening` compares the soil with the GB 36600
  screening and intervention values [3]_ — allowed (none above screening), needs a site
  assessment (above screening, none above intervention) or needs a cover layer or remediation
  (above intervention). The plan screens each plot once per land class (:func:`gb36600_checks`, in the
  economics stage, which charges the clean-soil cover from it); where a marginal plot's recommended option
  is such a re-use (``pv_grass``), :func:`recommended_exposure` gives that check to the plan's summary
  (``gb36600_check``): the
  recommendation sentence closes with it and the plot sheet prints it, and :func:`reuse_for_plan`
  takes that check for the plot's re-use rows of the same land class instead of screening it again.

:func:`opportunity_matrix` scores every allowed re-use of a marginal plot against eight
services (energy, carbon, biodiversity, water regulation, amenity, risk reduction, income,
jobs; 0–3 each) in the layout of the HOMBRE Brownfield Opportunity Matrix [4]_. The scores
follow only from the re-use's row and the rules of ``opportunity_rules.csv`` (first rule that
holds, in ``order``), so the same inputs always give the same matrix, and every score carries
the rule's reason.

References
----------
.. [1] Cranfield University & CL:AIRE (SPF programme): Low carbon and sustainable
   methodologies for brownfields and marginal land re-use in China.
.. [2] 自然资源部办公厅 国家林业和草原局办公室 国家能源局综合司 (2023) 关于支持光伏发电产业
   发展规范用地管理有关工作的通知 (自然资办发〔2023〕12号).
.. [3] MEE & SAMR (2018) GB 36600-2018 Soil environmental quality — Risk control standard for
   soil contamination of development land, Table 1.
.. [4] HOMBRE (EU FP7 265097) Brownfield Opportunity Matrix.
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd

from agriremed.core.messages import Message, codes, encode_column, is_encoded, render, render_column
from agriremed.stages import carbon as carbon_mod
from agriremed.stages import solar
from agriremed.models.finance import npv
from agriremed.stages.options import parameter_for_rows, policy_status
from agriremed.stages.advice import plan_rule_sets, row_rule_sets
from agriremed.core.tables import Tables, load_tables, split_keys

__all__ = ["SERVICES", "EXPOSURE_VERDICTS", "MARGINAL_LAND_USES", "gb36600_screening", "option_exposure_classes",
           "recommended_exposure", "gb36600_checks", "risk_control_cost_cny_ha", "evaluate_reuse", "opportunity_matrix", "score_service", "reuse_for_plan",
           "REUSE_COLUMNS", "MATRIX_COLUMNS"]

#: Services of the opportunity matrix, in column order.
SERVICES = ("energy", "carbon", "biodiversity", "water_regulation", "amenity", "risk_reduction", "income",
            "jobs")

#: Outcomes of the GB 36600 check for an intended use.
EXPOSURE_VERDICTS = ("allowed", "site_assessment", "cover_layer", "not_assessed", "not_applicable")

#: Land uses of marginal, mine and brownfield land (采矿用地, 工矿废弃地, 盐碱地 … are read as ``marginal``):
#: the plots whose soft re-uses enter the opportunity matrix and whose recommended re-use is checked
#: against GB 36600 (:func:`recommended_exposure`).
MARGINAL_LAND_USES = ("marginal",)


REUSE_COLUMNS = [
    "plot_id", "land_use", "soil_class", "reuse_id", "reuse_name", "reuse_name_zh", "policy_family",
    "allowed", "policy_status", "policy_rule", "reason", "pv_area_share", "cover", "cover_area_share",
    "biomass_option", "biomass_area_share", "habitat_area_share", "public_access", "labour",
    "solar_zone", "ghi_kwh_m2_yr", "specific_yield_kwh_kwp_yr", "pv_mwp_ha", "electricity_mwh_ha_yr",
    "avoided_co2_t_ha_yr", "soc_co2e_t_ha_yr", "net_co2e_t_ha_yr", "npv_vs_baseline_cny_ha",
    "pv_capex_cny_ha", "pv_tariff_cny_kwh", "exposure_class", "exposure_verdict", "exposure_reason", "pv_note", "note",
    "reason_msg", "exposure_reason_msg", "pv_note_msg",
]

MATRIX_COLUMNS = ["plot_id", "reuse_id", "reuse_name", *[f"score_{s}" for s in SERVICES], "score_total",
                  *[f"why_{s}" for s in SERVICES]]


def gb36600_screening(plots: pd.DataFrame, land_class, tables: Tables | None = None) -> pd.DataFrame:
    """Soil against the GB 36600-2018 values for an intended use of the land.

    Parameters
    ----------
    plots : pandas.DataFrame
        Plots with total metal columns (``as_mg_kg``, ``cd_mg_kg``, …) [mg kg⁻¹].
    land_class : str or array_like of str
        ``first`` (homes, schools, community and children's parks), ``second`` (industry,
        utilities, other green space) or ``''`` (nobody uses the land: not applicable).
    tables : Tables, optional
        Literature tables (``gb36600_values.csv``).

    Returns
    -------
    pandas.DataFrame
        Per plot: ``exposure_class``, ``exposure_verdict`` (``allowed``,
        ``site_assessment``, ``cover_layer``, ``not_assessed`` when no listed metal is
        measured, ``not_applicable``), ``above_screening``, ``above_intervention`` (metal
        lists), ``exposure_reason`` (the numbers, the class and what is not compared) and
        ``exposure_reason_msg`` (the reason as an encoded message, :mod:`agriremed.core.messages`).

    Examples
    --------
    Pb 1480 mg/kg on a park (first class: screening 400, intervention 800) and on a PV plant
    (second class: 800 / 2500):

    >>> p = pd.DataFrame({"pb_mg_kg": [1480.0, 1480.0], "cd_mg_kg": [9.6, 9.6]})
    >>> gb36600_screening(p, ["first", "second"])["exposure_verdict"].tolist()
    ['cover_layer', 'site_assessment']
    """
    tables = tables or load_tables()
    n = len(plots)
    cls = np.broadcast_to(np.asarray(land_class, dtype=object), (n,))
    v = tables.gb36600_values
    by_class = {c: list(g.itertuples(index=False)) for c, g in v.groupby("land_class", sort=False)}
    metal = {m: (pd.to_numeric(plots[f"{m}_mg_kg"], errors="coerce").to_numpy(float) if f"{m}_mg_kg" in plots
                 else np.full(n, np.nan)) for m in v["metal"].unique()}
    key = np.array([c or "" for c in cls], dtype=object)
    verdict = np.full(n, "not_applicable", dtype=object)
    scr, itv = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    why = np.full(n, None, dtype=object)
    for c in dict.fromkeys(key.tolist()):
        if c == "":
            continue
        at = np.flatnonzero(key == c)
        _screen_class(c, by_class.get(c, []), {m: x[at] for m, x in metal.items()}, at, verdict, scr, itv, why)
    enc = encode_column(why)
    return pd.DataFrame({"exposure_class": cls.astype(object), "exposure_verdict": verdict,
                         "above_screening": scr, "above_intervention": itv,
                         "exposure_reason": render_column(enc, "en", tables), "exposure_reason_msg": enc})


def option_exposure_classes(option_ids, tables: Tables | None = None) -> np.ndarray:
    """The GB 36600 land class (``exposure_class`` of ``reuse_options.csv``) of the soft re-use each plan
    option is: the re-use row of the same id (``pv_grass``: the plan's PV option with a grass cover and
    the re-use of that name agree, :mod:`agriremed.stages.solar`), else the re-use that is the plan's
    biomass option alone (``biomass_option`` on the whole plot, no PV and no cover: ``miscanthus``,
    ``poplar_src``); ``''`` for an option that is no soft re-use or whose re-use nobody uses.

    >>> option_exposure_classes(["pv_grass", "miscanthus", "lime_rice", None]).tolist()
    ['second', '', '', '']
    """
    tables = tables or load_tables()
    ro = tables.reuse_options
    cls = [c if isinstance(c, str) else "" for c in ro["exposure_class"]]
    of = dict(zip(ro["reuse_id"], cls, strict=True))
    whole = ((pd.to_numeric(ro["biomass_area_share"], errors="coerce").to_numpy(float) >= 1.0)
             & (pd.to_numeric(ro["pv_area_share"], errors="coerce").to_numpy(float) == 0)
             & (pd.to_numeric(ro["cover_area_share"], errors="coerce").to_numpy(float) == 0))
    for b, c in zip(ro["biomass_option"][whole], np.asarray(cls, dtype=object)[whole], strict=True):
        if isinstance(b, str) and b and b not in of:
            of[b] = c
    ids = np.asarray(option_ids, dtype=object).ravel()
    return np.array([of.get(o, "") if isinstance(o, str) else "" for o in ids], dtype=object)


def recommended_exposure(plots: pd.DataFrame, option_ids, tables: Tables | None = None,
                         checked: tuple | None = None) -> pd.DataFrame:
    """The GB 36600 check of each plot's recommended option where the plot is marginal, mine or
    brownfield land (:data:`MARGINAL_LAND_USES`) and the option is a soft re-use people work on or
    use (:func:`option_exposure_classes`: the PV plant's workers, second-class land): the verdict
    and reason :func:`gb36600_screening` gives the re-use's row of ``reuse_options.csv`` output.

    Parameters
    ----------
    plots : pandas.DataFrame
        Plots (``land_use``, metal columns [mg kg⁻¹]), one row per plot.
    option_ids : array_like of str
        Each plot's recommended option (None: none).
    tables : Tables, optional
        Literature tables.
    checked : tuple of array_like, optional
        ``(verdict, reason_msg)`` of each plot's recommended option as the economics stage checked it
        (:func:`gb36600_checks`, the ``gb36600_verdict`` and ``gb36600_check_msg`` of its row): taken
        as they are, the plots are not screened again. Default: screened here.

    Returns
    -------
    pandas.DataFrame
        Row-aligned with ``plots``: ``exposure_class``, ``exposure_verdict`` (as
        :func:`gb36600_screening`; ``''`` where no check applies: farmland, an option nobody works on),
        ``exposure_reason`` and ``exposure_reason_msg`` (``''`` where no check applies).

    Examples
    --------
    >>> p = pd.DataFrame({"land_use": ["marginal", "paddy"], "pb_mg_kg": [1800.0, 1800.0]})
    >>> recommended_exposure(p, ["pv_grass", "pv_grass"])["exposure_verdict"].tolist()
    ['site_assessment', '']
    """
    tables = tables or load_tables()
    n = len(plots)
    cls = option_exposure_classes(option_ids, tables)
    lu = plots["land_use"].to_numpy(object) if "land_use" in plots else np.full(n, None, dtype=object)
    cls = np.where(np.isin(lu, MARGINAL_LAND_USES), cls, "").astype(object)
    out = pd.DataFrame({"exposure_class": cls, "exposure_verdict": np.full(n, "", dtype=object),
                        "exposure_reason": np.full(n, "", dtype=object),
                        "exposure_reason_msg": np.full(n, "", dtype=object)})
    at = np.flatnonzero(cls != "")
    if len(at) and checked is not None:  # the economics stage's check of the same plot and class
        verdict, msg = (np.asarray(x, dtype=object).ravel()[at] for x in checked)
        out.loc[at, "exposure_verdict"] = verdict
        out.loc[at, "exposure_reason"] = render_column(msg, "en", tables)
        out.loc[at, "exposure_reason_msg"] = msg
    elif len(at):
        ex = gb36600_screening(plots.iloc[at], cls[at], tables)
        for c in ("exposure_verdict", "exposure_reason", "exposure_reason_msg"):
            out.loc[at, c] = ex[c].to_numpy(object)
    return out


def gb36600_checks(plots: pd.DataFrame, option_ids, plot_rows=None, tables: Tables | None = None) -> dict:
    """The GB 36600 check of each row's option where its plot is marginal, mine or brownfield land
    (:data:`MARGINAL_LAND_USES`) and the option a soft re-use people work on or use
    (:func:`option_exposure_classes`), each plot screened once per land class (:func:`gb36600_screening`).

    The one screening of a plan: the economics stage charges the clean-soil cover from its verdict
    (:func:`risk_control_cost_cny_ha`) and carries the check of every row (``gb36600_verdict``,
    ``gb36600_check_msg``) to the summary, which gives that of the recommended option
    (:func:`recommended_exposure` with ``checked``).

    Parameters
    ----------
    plots : pandas.DataFrame
        Plots (``land_use``, metal columns [mg kg⁻¹]).
    option_ids : array_like of str
        Option of each row.
    plot_rows : array_like of int, optional
        Position in ``plots`` of each row's plot (default: row i is plot i; −1: no plot, no check).
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    dict
        ``exposure_verdict`` and ``exposure_reason_msg`` of each row (object arrays; ``''`` where no check
        applies).

    Examples
    --------
    >>> p = pd.DataFrame({"land_use": ["marginal", "marginal", "paddy"], "as_mg_kg": [150.0, 70.0, 150.0]})
    >>> gb36600_checks(p, ["pv_grass", "pv_grass", "pv_grass"])["exposure_verdict"].tolist()
    ['cover_layer', 'site_assessment', '']
    """
    tables = tables or load_tables()
    ids = np.asarray(option_ids, dtype=object).ravel()
    at = np.arange(len(ids)) if plot_rows is None else np.asarray(plot_rows, np.intp)
    out = {"exposure_verdict": np.full(len(ids), "", dtype=object),
           "exposure_reason_msg": np.full(len(ids), "", dtype=object)}
    cls = option_exposure_classes(ids, tables)
    lu = plots["land_use"].to_numpy(object) if "land_use" in plots else np.full(len(plots), None, dtype=object)
    ok = (cls != "") & (at >= 0)
    ok[ok] &= np.isin(lu[at[ok]], MARGINAL_LAND_USES)
    for c in dict.fromkeys(cls[ok].tolist()):
        rows = np.flatnonzero(ok & (cls == c))
        need, inv = np.unique(at[rows], return_inverse=True)  # each plot screened once per class
        ex = gb36600_screening(plots.iloc[need], c, tables)
        inv = np.asarray(inv).ravel()
        for col, v in out.items():
            v[rows] = ex[col].to_numpy(object)[inv]
    return out


#: m² per hectare: a cover cost per m² of land is charged on the whole hectare.
M2_PER_HA = 10_000.0


def risk_control_cost_cny_ha(plots: pd.DataFrame, option_ids, plot_rows=None, tables: Tables | None = None,
                             verdict=None) -> np.ndarray:
    """First-year cost of the risk control GB 36600 requires before people use the land, per row [CNY ha⁻¹].

    Under GB 36600-2018 a soil above the risk screening value of the land's intended use needs a site
    investigation and risk assessment; above the risk intervention value the risk is generally
    unacceptable and risk control or remediation is required before the use. On marginal, mine and
    brownfield land (:data:`MARGINAL_LAND_USES`) an option that is a soft re-use people work on or use
    (:func:`option_exposure_classes`: a PV plant's workers, second-class land) and whose soil exceeds an
    intervention value of that class (:func:`gb36600_checks` verdict ``cover_layer``) is charged a
    clean-soil cover over the whole plot in year 1: ``clean_cover_cost_cny_m2`` (``factors.csv``) ×
    10 000 m² ha⁻¹. Above screening only (``site_assessment``) nothing is charged: the assessment
    decides whether any control is needed, and its cost is not in the tables. 0 elsewhere.

    Parameters
    ----------
    plots : pandas.DataFrame
        Plots (``land_use``, metal columns [mg kg⁻¹]).
    option_ids : array_like of str
        Option of each row.
    plot_rows : array_like of int, optional
        Position in ``plots`` of each row's plot (default: row i is plot i).
    tables : Tables, optional
        Literature tables.
    verdict : array_like of str, optional
        Each row's ``exposure_verdict`` of :func:`gb36600_checks` when already checked (then ``plots``,
        ``option_ids`` and ``plot_rows`` are not read again); default: checked here.

    Examples
    --------
    >>> p = pd.DataFrame({"land_use": ["marginal", "marginal", "paddy"], "as_mg_kg": [150.0, 70.0, 150.0]})
    >>> risk_control_cost_cny_ha(p, ["pv_grass", "pv_grass", "pv_grass"]).round(0).tolist()
    [2756000.0, 0.0, 0.0]
    """
    tables = tables or load_tables()
    if verdict is None:
        verdict = gb36600_checks(plots, option_ids, plot_rows, tables)["exposure_verdict"]
    cover = np.asarray(verdict, dtype=object).ravel() == "cover_layer"
    if not cover.any():
        return np.zeros(len(cover))
    return np.where(cover, tables.factor("clean_cover_cost_cny_m2") * M2_PER_HA, 0.0)


def _screen_class(c: str, rows: list, metal: dict, at: np.ndarray, verdict: np.ndarray, scr: np.ndarray,
                  itv: np.ndarray, why: np.ndarray) -> None:
    """:func:`gb36600_screening` of the plots ``at`` of one land class ``c`` (``rows``: its values of
    ``gb36600_values.csv``, ``metal``: those plots' metals). Plots with a metal above a value get
    their own message (it names the values); the others one message per pattern of metals
    checked and skipped."""
    m = len(at)
    checked = np.zeros(m, bool)
    skipped = np.zeros((m, len(rows)), bool)
    over = np.zeros(m, bool)
    for j, r in enumerate(rows):
        x = metal[r.metal]
        if not np.isfinite(r.screening_mg_kg):
            skipped[:, j] = np.isfinite(x)
            continue
        finite = np.isfinite(x)
        checked |= finite
        over |= finite & ((x > r.intervention_mg_kg) | (x > r.screening_mg_kg))
    skip_msg = {j: _skipped_metal(r.metal, r.note) for j, r in enumerate(rows) if not np.isfinite(r.screening_mg_kg)}
    made = {}
    for p in range(m):
        if over[p]:
            verdict[at[p]], scr[at[p]], itv[at[p]], why[at[p]] = _screen_plot(c, rows, metal, p, skipped[p], skip_msg)
            continue
        pattern = (bool(checked[p]), tuple(np.flatnonzero(skipped[p]).tolist()))
        if pattern not in made:
            finding = Message.of("reuse.gb36600_allowed" if pattern[0] else "reuse.gb36600_none")
            if pattern[1]:
                finding += Message.of("reuse.gb36600_skipped", metals=_joined([skip_msg[j] for j in pattern[1]]))
            made[pattern] = ("allowed" if pattern[0] else "not_assessed",
                             Message.of("reuse.gb36600", land_class=c, finding=finding))
        verdict[at[p]], why[at[p]] = made[pattern]


def _screen_plot(c: str, rows: list, metal: dict, p: int, skipped: np.ndarray, skip_msg: dict):
    """Verdict, metals above screening, metals above intervention and message of one plot with a
    metal above a GB 36600 value."""
    over_s, over_i = [], []
    for r in rows:
        x = metal[r.metal][p]
        if not np.isfinite(r.screening_mg_kg) or not np.isfinite(x):
            continue
        if x > r.intervention_mg_kg:
            over_i.append(Message.of("reuse.gb36600_intervention", metal=r.metal, value=float(x),
                                     limit=float(r.intervention_mg_kg)))
        elif x > r.screening_mg_kg:
            over_s.append(Message.of("reuse.gb36600_screening", metal=r.metal, value=float(x),
                                     limit=float(r.screening_mg_kg)))
    if over_i:
        verdict = "cover_layer"
        finding = Message.of("reuse.gb36600_cover", over=_joined(over_i + over_s))
    else:
        verdict = "site_assessment"
        finding = Message.of("reuse.gb36600_assess", over=_joined(over_s))
        if all(dict(m.parts[0][1])["metal"] == "as" for m in over_s):
            finding += Message.of("reuse.gb36600_background")
    if skipped.any():
        finding += Message.of("reuse.gb36600_skipped", metals=_joined([skip_msg[j] for j in np.flatnonzero(skipped)]))
    return (verdict, "|".join(dict(m.parts[0][1])["metal"] for m in over_s),
            "|".join(dict(m.parts[0][1])["metal"] for m in over_i), Message.of("reuse.gb36600", land_class=c,
                                                                             finding=finding))


def _rule_messages(rule_id: np.ndarray, text: np.ndarray, rule_set: str, tables: Tables) -> dict:
    """``(rule id, English text)`` → the rule's message (``opt.policy_rule``, as the plan's
    option reasons), for every text of :func:`agriremed.stages.options.policy_status` that the
    message renders to (a text it does not render to gets no message: shown as written)."""
    lr = tables.land_rules
    lr = lr.loc[lr["rule_set"] == rule_set].drop_duplicates("rule_id").set_index("rule_id")
    out = {}
    for rid, txt in set(zip(rule_id.ravel(), text.ravel(), strict=True)):
        if not rid or not txt or rid not in lr.index:
            continue
        m = Message.of("opt.policy_rule", rule_set=rule_set, rule=rid,
                       sources=";".join(split_keys(lr.at[rid, "source"])))
        if render(m, "en", tables) == txt:
            out[(rid, txt)] = m
    return out


def _joined(parts: list[Message]) -> Message:
    """Messages as the parts of one message (joined by the language's separator)."""
    out = Message()
    for m in parts:
        out += m
    return out


def _skipped_metal(metal: str, note) -> Message:
    """A metal GB 36600 gives no value for, with the note of ``gb36600_values.csv``: the message of
    the metal where its English text is the note's (``reuse.gb36600_skip_<metal>``), else the note
    as given."""
    text = f"{metal.capitalize()} ({note})"
    own = Message.of(f"reuse.gb36600_skip_{metal}")
    if own.codes[0] in codes("en") and render(own, "en") == text:
        return own
    return Message.of("reuse.gb36600_skip", metal=metal.capitalize(), note=str(note))


def _cover_soc_rate(plots: pd.DataFrame, horizon_yr: int, tables: Tables) -> np.ndarray:
    """Tier 1 SOC change of a permanent cover (current category → set-aside), averaged over the
    horizon [t CO₂ ha⁻¹ yr⁻¹ of covered land]."""
    zone = carbon_mod.plot_climate_zone(plots)
    sclass = carbon_mod.plot_soil_class(plots)
    socref = tables.indexed("soc_reference", ["soil_class", "climate_zone"])["socref_t_c_ha"].reindex(
        pd.MultiIndex.from_arrays([pd.Series(sclass, dtype=object), pd.Series(zone, dtype=object)])
    ).to_numpy(float)
    old = np.array([carbon_mod.LAND_USE_TO_IPCC.get(u, np.nan) for u in plots["land_use"]], dtype=object)
    f_old = carbon_mod.soc_factor(tables, "FLU", old, zone)
    f_new = carbon_mod.soc_factor(tables, "FLU", np.full(len(plots), "set_aside", object), zone)
    d = carbon_mod.soc_stock_change(socref, f_old, f_new, horizon_yr)
    return np.nan_to_num(d * carbon_mod.C_TO_CO2 / horizon_yr, nan=0.0)


def _policy_by_rule_set(ro, cls, lu, bf, tables, rule_set, plot_ids):
    """:func:`agriremed.stages.options.policy_status` of the re-uses on each plot under its own
    rule set, and the rule messages (:func:`_rule_messages`) of every set."""
    if isinstance(rule_set, str):
        st, rid, txt = policy_status(ro, cls, lu, bf, tables, rule_set)
        return st, rid, txt, _rule_messages(rid, txt, rule_set, tables)
    rs = row_rule_sets(rule_set, plot_ids)
    shape = (len(ro), len(rs))
    st, rid, txt = (np.empty(shape, dtype=object) for _ in range(3))
    rule_msg = {}
    for r in pd.unique(rs):
        m = rs == r
        st[:, m], rid[:, m], txt[:, m] = policy_status(ro, cls[m], lu[m], bf[m], tables, str(r))
        rule_msg.update(_rule_messages(rid[:, m], txt[:, m], str(r), tables))
    return st, rid, txt, rule_msg


def evaluate_reuse(plots: pd.DataFrame, soil_class, plan_table: pd.DataFrame | None = None, *,
                   horizon_yr: int = 20, discount_rate: float = 0.06, carbon_price_cny_t: float = 0.0,
                   rule_set: str = "china", tables: Tables | None = None, yields: pd.DataFrame | None = None,
                   weather_file=None, tariff_cny_kwh: float | None = None,
                   screened: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every soft re-use of ``reuse_options.csv`` on every plot: allowed?, land shares, energy,
    carbon, money and exposure.

    Parameters
    ----------
    plots : pandas.DataFrame
        Valid plots (``plot_id``, ``land_use``, ``basic_farmland``, ``region``, ``lat``,
        ``lon``, ``mean_temp_c``, metal columns).
    soil_class : array_like of str
        GB 15618 class of each plot (``priority_protection``, ``safe_utilisation``,
        ``strict_control``).
    plan_table : pandas.DataFrame, optional
        The plan's plot × option table: the biomass re-uses read their option's row from it
        (without it they are listed as not assessed).
    horizon_yr, discount_rate, carbon_price_cny_t, rule_set
        Scenario values [yr], [yr⁻¹], [CNY t⁻¹ CO₂e], rule set of ``land_rules.csv`` (one
        name, or each plot's: a Series indexed by plot id,
        :func:`agriremed.stages.advice.plot_rule_sets`).
    tables : Tables, optional
        Literature tables.
    yields : pandas.DataFrame, optional
        Output of :func:`agriremed.stages.solar.specific_yield_for_plots` (computed when None).
    weather_file : str, optional
        EPW/TMY3 file for the PV yield (scenario ``pv_weather_file``).
    tariff_cny_kwh : float, optional
        Electricity price for PV on every plot [CNY kWh⁻¹]; when None each plot's province price
        (:func:`agriremed.stages.solar.pv_tariff`, as in the plan: ``pv_tariffs.csv``, else the
        ``tariff_cny_kwh`` row of ``pv_parameters.csv``).
    screened : pandas.DataFrame, optional
        GB 36600 checks already made (``plot_id``, ``exposure_class``, ``exposure_verdict``,
        ``exposure_reason``, ``exposure_reason_msg``; :func:`reuse_for_plan` passes the plan summary's
        check of the recommended re-use, :func:`recommended_exposure`): a plot with a check of a land
        class is not screened again for that class.

    Returns
    -------
    pandas.DataFrame
        :data:`REUSE_COLUMNS`, one row per plot × re-use; per-hectare values
        [MWh ha⁻¹ yr⁻¹], [t CO₂(e) ha⁻¹ yr⁻¹], [CNY ha⁻¹]. ``reason_msg``,
        ``exposure_reason_msg`` and ``pv_note_msg`` hold ``reason``, ``exposure_reason`` and
        ``pv_note`` as encoded messages (:mod:`agriremed.core.messages`), rendered in another
        language at the edges (a rule of the rule set as in the plan's option reasons,
        ``opt.policy_rule``); ``''`` where the text came without a message (a plan table or
        PV yields written before their message columns existed).

    Notes
    -----
    Every column is computed as an array over the plot × re-use rows (plot-major); the
    per-hectare PV figures once per (site yield, PV share) pair, a cover's NPV once per
    (re-use, soil carbon) pair, each distinct reason message once.
    """
    tables = tables or load_tables()
    P = plots.reset_index(drop=True)
    n = len(P)
    ro = tables.reuse_options.rename(columns={"reuse_id": "option_id"})
    cls = np.asarray(soil_class, dtype=object)
    lu = P["land_use"].astype(object).to_numpy()
    bf = (P["basic_farmland"].astype(object).fillna("unknown").replace("", "unknown").to_numpy()
          if "basic_farmland" in P else np.full(n, "unknown", object))
    st, rid, txt, rule_msg = _policy_by_rule_set(ro, cls, lu, bf, tables, rule_set, P["plot_id"])
    pv_rows = ro["pv_area_share"].to_numpy(float) > 0
    if yields is None:
        need_pv = np.array([(st[pv_rows, i] != "forbidden").any() for i in range(n)]) if pv_rows.any() \
            else np.zeros(n, bool)
        yields = pd.DataFrame({"plot_id": P["plot_id"], "solar_zone": "", "ghi_kwh_m2_yr": np.nan,
                               "specific_yield_kwh_kwp_yr": np.nan, "pv_note": "", "pv_note_msg": ""})
        if need_pv.any():
            y = solar.specific_yield_for_plots(P.loc[need_pv].reset_index(drop=True), tables, weather_file)
            for c in ("solar_zone", "ghi_kwh_m2_yr", "specific_yield_kwh_kwp_yr", "pv_note", "pv_note_msg"):
                yields.loc[need_pv, c] = y[c].to_numpy()
    # the PV notes as messages ('' where a note given without one)
    pv_msg = (yields["pv_note_msg"].fillna("").astype(object).to_numpy() if "pv_note_msg" in yields
              else np.full(len(yields), "", object))
    soc_rate = _cover_soc_rate(P, horizon_yr, tables)
    if plan_table is not None and "npv_cny_ha" in plan_table:
        dn = plan_table.loc[plan_table["option_id"] == "do_nothing"].set_index("plot_id")["npv_cny_ha"]
        base_npv = np.nan_to_num(pd.to_numeric(dn.reindex(P["plot_id"]), errors="coerce").to_numpy(float))
    else:
        base_npv = np.zeros(n)
    cost_opt = ro["cost_option"].fillna("").astype(str).to_numpy()
    est = np.nan_to_num(parameter_for_rows(tables, cost_opt, "establishment_cost_cny_ha"))
    ann = np.nan_to_num(parameter_for_rows(tables, cost_opt, "annual_cost_cny_ha"))
    K = len(ro)
    if n == 0 or K == 0:
        return pd.DataFrame([], columns=REUSE_COLUMNS)
    # every column is an array over the rows plot × re-use (plot-major: row i·K + k)
    g = _Grid(n, K)
    st_r, rid_r, txt_r = st.T.ravel(), rid.T.ravel(), txt.T.ravel()
    pv_share = ro["pv_area_share"].to_numpy()
    cover_share = ro["cover_area_share"].to_numpy()
    bio_opt = np.array([b or "" for b in ro["biomass_option"]], dtype=object)
    exp_cls = np.array([c or "" for c in ro["exposure_class"]], dtype=object)
    plan_at, plan_cols = _plan_rows(plan_table, P["plot_id"].to_numpy(object), bio_opt, g)
    allowed, reason, rmsg = _refusals(g, st_r, rid_r, txt_r, rule_msg, ro["grazing"].to_numpy(object) == "yes",
                                      cls.astype(object), bio_opt, plan_at, plan_cols, tables)
    # one price per plot, the plan's (the province's benchmark price unless the scenario sets one)
    region = P["region"] if "region" in P else pd.Series("", index=P.index, dtype=object)
    price = solar.pv_tariff(region.astype(object).fillna(""), tables, tariff_cny_kwh)
    pvc = _pv_columns(allowed & (pv_share[g.k] > 0), g, yields, pv_msg, pv_share, horizon_yr, discount_rate,
                      tables, price)
    soc = np.where(allowed, soc_rate[g.i] * cover_share[g.k], 0.0)
    cash_npv = _cover_npv(allowed, g, soc, est * cover_share, ann * cover_share, horizon_yr, discount_rate,
                          carbon_price_cny_t)
    bio_el, bio_av, bio_net, bio_npv = _biomass_figures(allowed & (bio_opt[g.k] != "") & (plan_at >= 0), g,
                                                        plan_at, plan_cols, ro["biomass_area_share"].to_numpy())
    pv = pvc.pop("pv")
    electricity = np.where(allowed, np.where(pv, pvc.pop("pv_el"), 0.0) + bio_el, 0.0)
    avoided = np.where(allowed, np.where(pv, pvc.pop("pv_av"), 0.0) + bio_av, 0.0)
    net = np.where(allowed, (avoided - bio_av) + soc + bio_net, 0.0)
    # own cash flows against doing nothing: the baseline's NPV is given up on the PV/cover share
    replaced = pv_share[g.k] + np.where(pv_share[g.k] == 0, cover_share[g.k], 0.0)
    replaced = np.where(replaced < 1.0, replaced, 1.0)
    npv_vs = np.where(allowed, pvc.pop("pv_npv") + cash_npv + bio_npv - replaced * base_npv[g.i], np.nan)
    # PV rows whose yield is not computed: no figures, the note says why
    no_yield = np.flatnonzero(pv & ~np.isfinite(pvc["specific_yield_kwh_kwp_yr"]))
    allowed_msg, not_computed = Message.of("reuse.allowed"), Message.of("reuse.pv_not_computed")
    for j in no_yield:
        note, note_msg = pvc["pv_note"][j], pvc["pv_note_msg"][j]
        reason[j] = "allowed; " + (note or "PV yield not computed")
        rmsg[j] = (allowed_msg + Message.decode(note_msg) if is_encoded(note_msg) else
                   None if note else allowed_msg + not_computed)
    for a in (electricity, avoided, net, npv_vs):
        a[no_yield] = np.nan
    ok = allowed.copy()
    ok[no_yield] = False
    _rule_reasons(ok, st_r, rid_r, txt_r, rule_msg, reason, rmsg)

    def tiled(col):
        return np.tile(ro[col].to_numpy(), n)

    out = {
        "plot_id": P["plot_id"].to_numpy()[g.i], "land_use": lu[g.i], "soil_class": cls.astype(object)[g.i],
        "reuse_id": tiled("option_id"), "reuse_name": tiled("name_en"), "reuse_name_zh": tiled("name_zh"),
        "policy_family": tiled("policy_family"), "allowed": allowed, "policy_status": st_r,
        "policy_rule": rid_r, "reason": reason, "pv_area_share": tiled("pv_area_share"), "cover": tiled("cover"),
        "cover_area_share": tiled("cover_area_share"), "biomass_option": bio_opt[g.k],
        "biomass_area_share": tiled("biomass_area_share"), "habitat_area_share": tiled("habitat_area_share"),
        "public_access": tiled("public_access"), "labour": tiled("labour"), **pvc,
        "electricity_mwh_ha_yr": electricity, "avoided_co2_t_ha_yr": avoided, "soc_co2e_t_ha_yr": soc,
        "net_co2e_t_ha_yr": net, "npv_vs_baseline_cny_ha": npv_vs, "note": tiled("note"),
        "reason_msg": encode_column(rmsg), **_exposure_columns(P, allowed, exp_cls, g, tables, screened),
    }
    # a soil above a GB 36600 intervention value for the re-use's users: the clean-soil cover in year 1
    # (risk_control_cost_cny_ha, as the plan's economics charge it)
    cover = (out["exposure_verdict"] == "cover_layer") & np.isin(lu[g.i], MARGINAL_LAND_USES)
    if cover.any():
        cost = tables.factor("clean_cover_cost_cny_m2") * M2_PER_HA
        out["npv_vs_baseline_cny_ha"] = np.where(cover, npv_vs - npv(np.r_[cost, np.zeros(max(horizon_yr - 1, 0))],
                                                                      discount_rate), npv_vs)
    return pd.DataFrame(out, columns=REUSE_COLUMNS)


class _Grid:
    """The rows plot × re-use of :func:`evaluate_reuse` (plot-major): ``i`` the plot and ``k`` the
    re-use of each row."""

    def __init__(self, n: int, k: int):
        self.n, self.K, self.size = n, k, n * k
        self.i = np.repeat(np.arange(n), k)
        self.k = np.tile(np.arange(k), n)


def _plan_rows(plan_table, pids: np.ndarray, bio_opt: np.ndarray, g: _Grid) -> tuple[np.ndarray, dict]:
    """Position of each row's biomass option in the plan's rows of those options (``-1``: no such
    row; of a repeated row the last), and those rows' columns."""
    plan_at = np.full(g.size, -1)
    if plan_table is None:
        return plan_at, {}
    keep = [c for c in ("plot_id", "option_id", "applicable", "reason", "reason_msg", "electricity_mwh_ha_yr",
                        "avoided_electricity_co2e_t_ha_yr", "net_co2e_vs_baseline_t_ha_yr",
                        "npv_vs_baseline_cny_ha") if c in plan_table]
    sub = plan_table.loc[plan_table["option_id"].isin(set(bio_opt) - {""}), keep].reset_index(drop=True)
    for k in np.flatnonzero(bio_opt != ""):
        rows_b = sub.loc[sub["option_id"] == bio_opt[k]]
        rows_b = rows_b.loc[~rows_b["plot_id"].duplicated(keep="last")]
        if rows_b.empty:  # the option is not in the plan (a run restricted to some options)
            continue
        at = pd.Index(rows_b["plot_id"]).get_indexer(pids)
        plan_at[k::g.K] = np.where(at >= 0, rows_b.index.to_numpy()[np.maximum(at, 0)], -1)
    return plan_at, {c: sub[c].to_numpy(object) for c in keep}


def _refusals(g: _Grid, st, rid, txt, rule_msg: dict, grazing_use: np.ndarray, cls: np.ndarray,
              bio_opt: np.ndarray, plan_at: np.ndarray, plan_cols: dict, tables: Tables | None = None):
    """Rows not allowed and why, in order: a forbidding rule, grazing on strict-control land, the
    plan's option missing or not applicable. Returns ``allowed``, ``reason``, ``rmsg`` (the reason
    as a :class:`Message`, None where a text came without one)."""
    allowed = np.ones(g.size, bool)
    reason = np.full(g.size, "", dtype=object)
    rmsg = np.full(g.size, None, dtype=object)
    forbidden = st == "forbidden"
    allowed[forbidden] = False
    reason[forbidden] = txt[forbidden]
    rmsg[forbidden] = [rule_msg.get(key) for key in zip(rid[forbidden], txt[forbidden], strict=True)]
    grazed = ~forbidden & grazing_use[g.k] & (cls[g.i] == "strict_control")
    grazing = Message.of("reuse.grazing")
    allowed[grazed], rmsg[grazed], reason[grazed] = False, grazing, render(grazing, "en")
    has_bio = bio_opt[g.k] != ""
    missing = allowed & has_bio & (plan_at < 0)
    for k in np.flatnonzero(bio_opt != ""):
        rows_k = np.flatnonzero(missing & (g.k == k))
        if len(rows_k):
            m = Message.of("reuse.plan_option_missing", option=bio_opt[k])
            allowed[rows_k], rmsg[rows_k], reason[rows_k] = False, m, render(m, "en")
    found = np.flatnonzero(allowed & has_bio & (plan_at >= 0))
    refused = found[[not bool(a) for a in plan_cols["applicable"][plan_at[found]]]] if len(found) else found
    made = {}
    for j in refused:
        b, at = bio_opt[g.k[j]], plan_at[j]
        why = plan_cols["reason_msg"][at] if "reason_msg" in plan_cols else ""
        if not is_encoded(why):  # a plan table with English reasons only
            reason[j], rmsg[j] = f"{b}: {plan_cols['reason'][at]}", None
            continue
        if (b, why) not in made:  # the plan's reason message, rendered here (the plan renders it only for its output rows)
            m = Message.of("reuse.option_reason", option=b, reason=Message.decode(why))
            made[b, why] = (m, render(m, "en", tables))
        rmsg[j], reason[j] = made[b, why]
    allowed[refused] = False
    return allowed, reason, rmsg


def _pv_columns(pv: np.ndarray, g: _Grid, yields: pd.DataFrame, pv_msg: np.ndarray, pv_share: np.ndarray,
                horizon_yr: int, discount_rate: float, tables: Tables, price: np.ndarray) -> dict:
    """The PV columns of the rows ``pv`` (allowed, with a PV share): the plot's site yield, price
    (``price``, one per plot [CNY kWh⁻¹]) and note, and the per-hectare figures of
    :func:`agriremed.stages.solar.pv_per_hectare`, computed once per (yield, PV share, price)
    triple (plots of one PV site and province share them). Also ``pv`` and the figures used
    further: ``pv_el``, ``pv_av``, ``pv_npv``."""
    ip = g.i[pv]
    out = {"solar_zone": np.full(g.size, "", dtype=object), "ghi_kwh_m2_yr": np.full(g.size, np.nan),
           "specific_yield_kwh_kwp_yr": np.full(g.size, np.nan), "pv_mwp_ha": np.zeros(g.size),
           "pv_capex_cny_ha": np.zeros(g.size), "pv_tariff_cny_kwh": np.full(g.size, np.nan), "pv_note": np.full(g.size, "", dtype=object),
           "pv_note_msg": np.full(g.size, "", dtype=object), "pv": pv, "pv_el": np.zeros(g.size),
           "pv_av": np.zeros(g.size), "pv_npv": np.zeros(g.size)}
    out["solar_zone"][pv] = yields["solar_zone"].to_numpy(object)[ip]
    out["ghi_kwh_m2_yr"][pv] = yields["ghi_kwh_m2_yr"].to_numpy(float)[ip]
    yld = out["specific_yield_kwh_kwp_yr"]
    yld[pv] = yields["specific_yield_kwh_kwp_yr"].astype(float).to_numpy()[ip]
    out["pv_note"][pv] = yields["pv_note"].to_numpy(object)[ip]
    out["pv_note_msg"][pv] = pv_msg[ip]
    tariff = out["pv_tariff_cny_kwh"]
    tariff[pv] = np.asarray(price, float)[ip]
    at = np.flatnonzero(pv)
    key = np.stack([yld[at].view(np.int64), pv_share[g.k[at]].astype(float).view(np.int64),
                    tariff[at].view(np.int64)], axis=1)
    _, first, inv = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inv = np.asarray(inv).ravel()
    for u, f in enumerate(first):
        j = at[f]
        r = solar.pv_per_hectare([yld[j]], [pv_share[g.k[j]]], horizon_yr, discount_rate, tables,
                                 tariff[j]).iloc[0]
        rows = at[inv == u]
        for col, name in (("pv_mwp_ha", "pv_mwp_ha"), ("pv_el", "electricity_mwh_ha_yr"),
                          ("pv_av", "avoided_co2_t_ha_yr"), ("pv_capex_cny_ha", "pv_capex_cny_ha"),
                          ("pv_npv", "pv_npv_cny_ha")):
            out[col][rows] = r[name]
    return out


def _cover_npv(allowed: np.ndarray, g: _Grid, soc: np.ndarray, est: np.ndarray, ann: np.ndarray, horizon_yr: int,
               discount_rate: float, carbon_price_cny_t: float) -> np.ndarray:
    """NPV of a cover's own cash flows (establishment in year 1, yearly cost, soil carbon sold) of
    the allowed rows [CNY ha⁻¹], once per (re-use, soil carbon) pair; ``est``, ``ann`` per re-use,
    already scaled by its cover share."""
    out = np.zeros(g.size)
    at = np.flatnonzero(allowed)
    keys, inv = np.unique(np.stack([g.k[at], soc[at].view(np.int64)], axis=1), axis=0, return_inverse=True)
    inv = np.asarray(inv).ravel()
    for u, (k, bits) in enumerate(keys):
        s = np.int64(bits).view(np.float64)
        cash = np.zeros(horizon_yr)
        cash -= ann[k]
        cash[0] -= est[k]
        cash += carbon_price_cny_t * max(s, 0.0)
        out[at[inv == u]] = npv(cash, discount_rate)
    return out


def _biomass_figures(rows: np.ndarray, g: _Grid, plan_at: np.ndarray, plan_cols: dict, share: np.ndarray):
    """Electricity, avoided CO₂, net CO₂e and NPV against the baseline of the plan's biomass option
    scaled by the re-use's biomass share, on the ``rows`` that read a plan row (zero elsewhere)."""
    out = [np.zeros(g.size) for _ in range(4)]
    if not rows.any():
        return out
    at, s = plan_at[rows], share[g.k[rows]]

    def number(col):
        v = plan_cols.get(col)
        return np.full(len(at), np.nan) if v is None else np.array([float(x) for x in v[at]])

    out[0][rows] = s * np.nan_to_num(number("electricity_mwh_ha_yr"))
    out[1][rows] = s * np.nan_to_num(number("avoided_electricity_co2e_t_ha_yr"))
    out[2][rows] = s * np.nan_to_num(number("net_co2e_vs_baseline_t_ha_yr"))
    out[3][rows] = s * number("npv_vs_baseline_cny_ha")
    return out


def _rule_reasons(ok: np.ndarray, st, rid, txt, rule_msg: dict, reason: np.ndarray, rmsg: np.ndarray) -> None:
    """Reasons of the allowed rows ``ok``: the deciding rule's text (a rule without one: allowed,
    no rule), none where no rule applies. Fills ``reason`` and ``rmsg``."""
    ruled = ok & np.array([bool(s) for s in st])
    with_text = ruled & np.array([bool(t) for t in txt])
    reason[with_text] = txt[with_text]
    rmsg[with_text] = [rule_msg.get(key) for key in zip(rid[with_text], txt[with_text], strict=True)]
    no_rule = Message.of("reuse.allowed_norule")
    no_text = ruled & ~with_text
    reason[no_text], rmsg[no_text] = render(no_rule, "en"), no_rule
    reason[ok & ~ruled], rmsg[ok & ~ruled] = "", None


#: The columns of a GB 36600 check that a re-use row carries (:func:`gb36600_screening`).
_CHECK_COLUMNS = ("exposure_class", "exposure_verdict", "exposure_reason", "exposure_reason_msg")


def _exposure_columns(P: pd.DataFrame, allowed: np.ndarray, exp_cls: np.ndarray, g: _Grid, tables: Tables,
                      screened: pd.DataFrame | None = None) -> dict:
    """The GB 36600 check of the allowed rows for their re-use's intended use (others: the class only);
    the checks of ``screened`` (:func:`evaluate_reuse`) as they are, the other plots screened once per class."""
    out = {"exposure_class": exp_cls[g.k].copy(), "exposure_verdict": np.full(g.size, "", dtype=object),
           "exposure_reason": np.full(g.size, "", dtype=object),
           "exposure_reason_msg": np.full(g.size, "", dtype=object)}
    for c in dict.fromkeys(exp_cls):
        rows = np.flatnonzero(allowed & (exp_cls[g.k] == c))
        if len(rows):
            need, at = np.unique(g.i[rows], return_inverse=True)  # only the plots with such a row
            ex = _checks_of(P, need, c, screened, tables)
            for col, v in out.items():
                v[rows] = ex[col][np.asarray(at).ravel()]
    return out


def _checks_of(P: pd.DataFrame, need: np.ndarray, c: str, screened: pd.DataFrame | None, tables: Tables) -> dict:
    """The GB 36600 check for land class ``c`` of the plots at positions ``need`` of ``P``
    (:data:`_CHECK_COLUMNS`, arrays aligned with ``need``): a check of ``screened`` for that class and
    plot as it is, :func:`gb36600_screening` for the others."""
    out = {col: np.full(len(need), "", dtype=object) for col in _CHECK_COLUMNS}
    got = np.full(len(need), -1, dtype=np.intp)
    if screened is not None and len(screened):
        mine = screened.loc[(screened["exposure_class"] == c).to_numpy(bool)]
        mine = mine.loc[~mine["plot_id"].duplicated(keep=False)]
        got = pd.Index(mine["plot_id"]).get_indexer(P["plot_id"].to_numpy(object)[need])
        for col in _CHECK_COLUMNS:
            out[col][got >= 0] = mine[col].to_numpy(object)[got[got >= 0]]
    new = np.flatnonzero(got < 0)
    if len(new):
        ex = gb36600_screening(P.iloc[need[new]], c, tables)
        for col in _CHECK_COLUMNS:
            out[col][new] = ex[col].to_numpy(object)
    return out


def _holds(value, op: str, threshold) -> bool:
    if op == "":
        return True
    if op == "==":
        return str(value) == str(threshold)
    try:
        x, y = float(value), float(threshold)
    except (TypeError, ValueError):
        return False
    if not np.isfinite(x):
        return False
    return {">=": x >= y, ">": x > y, "<": x < y, "<=": x <= y}[op]


def score_service(row, service: str, tables: Tables | None = None, lang: str = "en") -> tuple[int, str]:
    """Score [0–3] and reason of one re-use row for one service (first rule that holds).

    Parameters
    ----------
    row : mapping
        One row of :func:`evaluate_reuse`.
    service : str
        One of :data:`SERVICES`.
    tables : Tables, optional
        Literature tables (``opportunity_rules.csv``).
    lang : {"en", "zh"}
        Language of the reason.

    Returns
    -------
    tuple
        (score, reason).

    Examples
    --------
    >>> score_service({"electricity_mwh_ha_yr": 640.0}, "energy")
    (3, 'electricity 640 MWh/ha/yr (≥ 300)')
    >>> score_service({"npv_vs_baseline_cny_ha": float("nan"), "npv_cny_ha": float("nan")}, "income")
    (0, 'economics not assessed')
    """
    tables = tables or load_tables()
    for r in _rules_by_service(tables).get(service, []):
        var = r.variable
        if var == "*":
            value = None
        else:
            value = row.get(var, np.nan) if hasattr(row, "get") else row[var]
        if var != "*" and not _holds(value, r.op, r.threshold):
            continue
        template = r.reason_en if lang == "en" else r.reason_zh
        try:
            text = template.format(**{k: row[k] for k in row.keys()}) if hasattr(row, "keys") else template
        except (KeyError, ValueError):
            text = template
        return int(r.score), text
    return 0, ""


def opportunity_matrix(reuse: pd.DataFrame, tables: Tables | None = None, lang: str = "en",
                       land_uses=MARGINAL_LAND_USES) -> pd.DataFrame:
    """The opportunity matrix: allowed soft re-uses of marginal plots × services, scored 0–3.

    A pure function of the re-use rows and ``opportunity_rules.csv``: each service's score is
    the score of its first rule (in ``order``) that the row satisfies, and the reason is that
    rule's text filled with the row's numbers. ``score_total`` is the unweighted sum (0–24).

    Parameters
    ----------
    reuse : pandas.DataFrame
        Output of :func:`evaluate_reuse`.
    tables : Tables, optional
        Literature tables.
    lang : {"en", "zh"}
        Language of the reasons.
    land_uses : iterable of str
        Land uses whose plots enter the matrix (marginal, mine and brownfield land).

    Returns
    -------
    pandas.DataFrame
        :data:`MATRIX_COLUMNS`.
    """
    tables = tables or load_tables()
    sel = reuse.loc[reuse["allowed"].astype(bool) & reuse["land_use"].isin(list(land_uses))]
    if sel.empty:
        return pd.DataFrame([], columns=MATRIX_COLUMNS)
    sel = sel.assign(npv_cny_ha=sel["npv_vs_baseline_cny_ha"] if "npv_vs_baseline_cny_ha" in sel else np.nan)
    out = {"plot_id": sel["plot_id"].to_numpy(), "reuse_id": sel["reuse_id"].to_numpy(),
           "reuse_name": sel["reuse_name" if lang == "en" else "reuse_name_zh"].to_numpy()}
    total = np.zeros(len(sel), dtype=np.int64)
    why = {}
    for s in SERVICES:
        out[f"score_{s}"], why[f"why_{s}"] = _score_column(sel, s, tables, lang)
        total += out[f"score_{s}"]
    out["score_total"] = total
    return pd.DataFrame({**out, **why}, columns=MATRIX_COLUMNS)


def _score_column(rows: pd.DataFrame, service: str, tables: Tables, lang: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`score_service` of every row of ``rows`` for one service: each rule, in order, tested
    on the whole column (first rule that holds wins); its reason filled in with each row's values."""
    n = len(rows)
    score = np.zeros(n, dtype=np.int64)
    text = np.full(n, "", dtype=object)
    open_ = np.ones(n, bool)
    for r in _rules_by_service(tables).get(service, []):
        if not open_.any():
            break
        holds = open_.copy() if r.variable == "*" else open_ & _holds_column(rows, r.variable, r.op, r.threshold)
        if not holds.any():
            continue
        open_ &= ~holds
        score[holds] = int(r.score)
        text[holds] = _reason_texts(rows, np.flatnonzero(holds), r.reason_en if lang == "en" else r.reason_zh)
    return score, text


def _rules_by_service(tables: Tables) -> dict:
    def build():
        r = tables.opportunity_rules.sort_values(["service", "order"], kind="stable")
        return {sv: list(g.itertuples(index=False)) for sv, g in r.groupby("service", sort=False)}

    return tables.memo("opportunity_rules_by_service", build)


def _holds_column(rows: pd.DataFrame, var: str, op: str, threshold) -> np.ndarray:
    """:func:`_holds` of column ``var`` of every row (a missing column: NaN, as ``row.get``)."""
    if var not in rows.columns:
        return np.full(len(rows), _holds(np.nan, op, threshold))
    col = rows[var]
    if op in (">=", ">", "<", "<=") and pd.api.types.is_float_dtype(col.dtype):
        try:
            y = float(threshold)
        except (TypeError, ValueError):
            return np.zeros(len(rows), bool)
        x = col.to_numpy(float)
        with np.errstate(invalid="ignore"):
            cmp = {">=": x >= y, ">": x > y, "<": x < y, "<=": x <= y}[op]
        return np.isfinite(x) & cmp
    # other columns and operators: each distinct value tested once
    codes, uniques = pd.factorize(col.to_numpy(object), use_na_sentinel=False)
    return np.array([_holds(u, op, threshold) for u in uniques], dtype=bool)[codes]


def _reason_texts(rows: pd.DataFrame, at: np.ndarray, template: str) -> list[str]:
    """``template`` filled in with the values of the rows ``at`` (as :func:`score_service`: the
    template as written when a field is missing or does not fit)."""
    names = {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(template) if f}
    if not names:
        return [template] * len(at)
    if not names <= set(rows.columns):
        return [template] * len(at)
    cols = {k: rows[k].to_numpy(object)[at] for k in names}
    out = []
    for j in range(len(at)):
        try:
            out.append(template.format(**{k: v[j] for k, v in cols.items()}))
        except (KeyError, ValueError):
            out.append(template)
    return out


def reuse_for_plan(result, weather_file=None, tariff_cny_kwh: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Soft re-uses and the opportunity matrix of a :class:`agriremed.engine.plan.Plan`.

    Parameters
    ----------
    result : Plan
        A plan (its plots, soil classes, plan table, scenario and tables are used).
    weather_file : str, optional
        EPW/TMY3 file for the PV yield; the scenario's ``pv_weather_file`` when None.
    tariff_cny_kwh : float, optional
        PV electricity price for every plot [CNY kWh⁻¹]; the scenario's ``pv_tariff_cny_kwh`` when
        None, else each plot's province price (as in the plan).

    Returns
    -------
    reuse, matrix : pandas.DataFrame
        :func:`evaluate_reuse` and :func:`opportunity_matrix` outputs.
    """
    s = result.scenario
    wf = weather_file if weather_file is not None else getattr(s, "pv_weather_file", None)
    tariff = tariff_cny_kwh if tariff_cny_kwh is not None else getattr(s, "pv_tariff_cny_kwh", None)
    P = result.plots.reset_index(drop=True)
    if P.empty:
        return pd.DataFrame(columns=REUSE_COLUMNS), pd.DataFrame(columns=MATRIX_COLUMNS)
    sp = result.soil_plot.set_index("plot_id")["soil_class"] if "plot_id" in result.soil_plot else None
    cls = sp.reindex(P["plot_id"]).to_numpy(object) if sp is not None else np.full(len(P), "", object)
    reuse = evaluate_reuse(P, cls, result.table, horizon_yr=s.horizon_yr, discount_rate=s.discount_rate,
                           carbon_price_cny_t=s.carbon_price_cny_t,
                           rule_set=plan_rule_sets(P, s, result.tables), tables=result.tables,
                           weather_file=wf, tariff_cny_kwh=tariff,
                           screened=_summary_checks(result.summary, result.tables))
    return reuse, opportunity_matrix(reuse, result.tables)


def _summary_checks(summary: pd.DataFrame | None, tables: Tables | None = None) -> pd.DataFrame | None:
    """The GB 36600 checks a plan's summary holds (:func:`recommended_exposure`: the recommended re-use of
    a marginal plot; ``gb36600_verdict``, ``gb36600_check``, ``gb36600_check_msg``) as the ``screened``
    rows of :func:`evaluate_reuse`; None where the summary has no such columns.

    >>> s = pd.DataFrame({"plot_id": ["a", "b"], "recommended_option": ["pv_grass", "fallow"],
    ...                   "gb36600_verdict": ["allowed", None], "gb36600_check": ["ok", None],
    ...                   "gb36600_check_msg": ["[]", ""]})
    >>> _summary_checks(s)[["plot_id", "exposure_class", "exposure_verdict"]].values.tolist()
    [['a', 'second', 'allowed']]
    """
    cols = ("plot_id", "recommended_option", "gb36600_verdict", "gb36600_check", "gb36600_check_msg")
    if summary is None or not set(cols) <= set(summary.columns):
        return None
    verdict = summary["gb36600_verdict"]
    s = summary.loc[(verdict.notna() & (verdict.astype(str) != "")).to_numpy(bool)]
    return pd.DataFrame({"plot_id": s["plot_id"].to_numpy(object),
                         "exposure_class": option_exposure_classes(s["recommended_option"], tables),
                         "exposure_verdict": s["gb36600_verdict"].to_numpy(object),
                         "exposure_reason": s["gb36600_check"].to_numpy(object),
                         "exposure_reason_msg": s["gb36600_check_msg"].to_numpy(object)})


def _source_keys(tables: Tables) -> list[str]:  # pragma: no cover - helper for the docs
    return sorted({k for c in tables.reuse_options["source"] for k in split_keys(c)})


#: In-memory plans with more plots than this get no soft re-use tables from :func:`for_plan`
#: (nine rows per plot are held in memory beside the plan). It is above the most
#: plots the command line plans in one go (:func:`agriremed.engine.stream.chunk_size_for` with ``detail``,
#: 8 600 without draws); larger inputs are planned in chunks, and chunked runs
#: (:func:`agriremed.engine.stream.plan_stream`) write the tables chunk by chunk.
REUSE_MAX_PLOTS = 10000


def for_plan(result) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """:func:`reuse_for_plan` computed once per plan (kept on the plan object).

    Returns None when pvlib is not installed or the plan has more than
    :data:`REUSE_MAX_PLOTS` plots.
    """
    got = getattr(result, "_soft_reuse", None)
    if got is not None:
        return got
    if len(result.plots) > REUSE_MAX_PLOTS:
        return None
    try:
        got = reuse_for_plan(result)
    except ImportError:
        return None
    object.__setattr__(result, "_soft_reuse", got)
    return got
