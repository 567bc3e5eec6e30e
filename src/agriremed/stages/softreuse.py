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
  (above intervention).

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

import numpy as np
import pandas as pd

from agriremed.core.messages import Message, codes, encode_column, is_encoded, render
from agriremed.stages import carbon as carbon_mod
from agriremed.stages import solar
from agriremed.models.finance import npv
from agriremed.stages.options import parameter_for_rows, policy_status
from agriremed.core.tables import Tables, load_tables, split_keys

__all__ = ["SERVICES", "EXPOSURE_VERDICTS", "gb36600_screening", "evaluate_reuse", "opportunity_matrix",
           "score_service", "reuse_for_plan", "REUSE_COLUMNS", "MATRIX_COLUMNS"]

#: Services of the opportunity matrix, in column order.
SERVICES = ("energy", "carbon", "biodiversity", "water_regulation", "amenity", "risk_reduction", "income",
            "jobs")

#: Outcomes of the GB 36600 check for an intended use.
EXPOSURE_VERDICTS = ("allowed", "site_assessment", "cover_layer", "not_assessed", "not_applicable")


REUSE_COLUMNS = [
    "plot_id", "land_use", "soil_class", "reuse_id", "reuse_name", "reuse_name_zh", "policy_family",
    "allowed", "policy_status", "policy_rule", "reason", "pv_area_share", "cover", "cover_area_share",
    "biomass_option", "biomass_area_share", "habitat_area_share", "public_access", "labour",
    "solar_zone", "ghi_kwh_m2_yr", "specific_yield_kwh_kwp_yr", "pv_mwp_ha", "electricity_mwh_ha_yr",
    "avoided_co2_t_ha_yr", "soc_co2e_t_ha_yr", "net_co2e_t_ha_yr", "npv_vs_baseline_cny_ha",
    "pv_capex_cny_ha", "exposure_class", "exposure_verdict", "exposure_reason", "pv_note", "note",
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
    verdict, scr, itv, why = [], [], [], []
    for i in range(n):
        c = cls[i] or ""
        if c == "":
            verdict.append("not_applicable"), scr.append(""), itv.append(""), why.append(None)
            continue
        over_s, over_i, checked, skipped = [], [], [], []
        for r in by_class.get(c, []):
            x = metal[r.metal][i]
            if not np.isfinite(r.screening_mg_kg):
                if np.isfinite(x):
                    skipped.append(_skipped_metal(r.metal, r.note))
                continue
            if not np.isfinite(x):
                continue
            checked.append(r.metal)
            if x > r.intervention_mg_kg:
                over_i.append(Message.of("reuse.gb36600_intervention", metal=r.metal, value=float(x),
                                         limit=float(r.intervention_mg_kg)))
            elif x > r.screening_mg_kg:
                over_s.append(Message.of("reuse.gb36600_screening", metal=r.metal, value=float(x),
                                         limit=float(r.screening_mg_kg)))
        if not checked:
            verdict.append("not_assessed")
            finding = Message.of("reuse.gb36600_none")
        elif over_i:
            verdict.append("cover_layer")
            finding = Message.of("reuse.gb36600_cover", over=_joined(over_i + over_s))
        elif over_s:
            verdict.append("site_assessment")
            finding = Message.of("reuse.gb36600_assess", over=_joined(over_s))
            if all(dict(m.parts[0][1])["metal"] == "as" for m in over_s):
                finding += Message.of("reuse.gb36600_background")
        else:
            verdict.append("allowed")
            finding = Message.of("reuse.gb36600_allowed")
        if skipped:
            finding += Message.of("reuse.gb36600_skipped", metals=_joined(skipped))
        why.append(Message.of("reuse.gb36600", land_class=c, finding=finding))
        scr.append("|".join(dict(m.parts[0][1])["metal"] for m in over_s))
        itv.append("|".join(dict(m.parts[0][1])["metal"] for m in over_i))
    enc = encode_column(why)
    return pd.DataFrame({"exposure_class": cls.astype(object), "exposure_verdict": verdict,
                         "above_screening": scr, "above_intervention": itv,
                         "exposure_reason": [render(m, "en", tables) for m in enc], "exposure_reason_msg": enc})


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


def evaluate_reuse(plots: pd.DataFrame, soil_class, plan_table: pd.DataFrame | None = None, *,
                   horizon_yr: int = 20, discount_rate: float = 0.06, carbon_price_cny_t: float = 0.0,
                   rule_set: str = "china", tables: Tables | None = None, yields: pd.DataFrame | None = None,
                   weather_file=None, tariff_cny_kwh: float | None = None) -> pd.DataFrame:
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
        Scenario values [yr], [yr⁻¹], [CNY t⁻¹ CO₂e], rule set of ``land_rules.csv``.
    tables : Tables, optional
        Literature tables.
    yields : pandas.DataFrame, optional
        Output of :func:`agriremed.stages.solar.specific_yield_for_plots` (computed when None).
    weather_file : str, optional
        EPW/TMY3 file for the PV yield (scenario ``pv_weather_file``).
    tariff_cny_kwh : float, optional
        Electricity price for PV [CNY kWh⁻¹] (table value when None).

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
    """
    tables = tables or load_tables()
    P = plots.reset_index(drop=True)
    n = len(P)
    ro = tables.reuse_options.rename(columns={"reuse_id": "option_id"})
    cls = np.asarray(soil_class, dtype=object)
    lu = P["land_use"].astype(object).to_numpy()
    bf = (P["basic_farmland"].astype(object).fillna("unknown").replace("", "unknown").to_numpy()
          if "basic_farmland" in P else np.full(n, "unknown", object))
    st, rid, txt = policy_status(ro, cls, lu, bf, tables, rule_set)
    rule_msg = _rule_messages(rid, txt, rule_set, tables)
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
    reuse_rows = list(ro.itertuples(index=False))
    plan_rows = {}
    if plan_table is not None:
        wanted = set(ro["biomass_option"].fillna("").astype(str)) - {""}
        keep = [c for c in ("plot_id", "option_id", "applicable", "reason", "reason_msg", "electricity_mwh_ha_yr",
                            "avoided_electricity_co2e_t_ha_yr", "net_co2e_vs_baseline_t_ha_yr",
                            "npv_vs_baseline_cny_ha") if c in plan_table]
        sub = plan_table.loc[plan_table["option_id"].isin(wanted), keep]
        plan_rows = {(r["plot_id"], r["option_id"]): r for r in sub.to_dict("records")}
    # the exposure checks as plain lists (one row per plot), read row by row below
    exposure = {c: gb36600_screening(P, c, tables)[["exposure_class", "exposure_verdict", "exposure_reason",
                                                    "exposure_reason_msg"]]
                .to_dict("list") for c in ("first", "second", "")}
    grazing, no_rule = Message.of("reuse.grazing"), Message.of("reuse.allowed_norule")
    allowed_msg, not_computed = Message.of("reuse.allowed"), Message.of("reuse.pv_not_computed")

    rows, pv_rows = [], {}
    for i in range(n):
        pid = P["plot_id"].iat[i]
        yld = float(yields["specific_yield_kwh_kwp_yr"].iat[i])
        for k, r in enumerate(reuse_rows):
            out = {"plot_id": pid, "land_use": lu[i], "soil_class": cls[i], "reuse_id": r.option_id,
                   "reuse_name": r.name_en, "reuse_name_zh": r.name_zh, "policy_family": r.policy_family,
                   "policy_status": st[k, i], "policy_rule": rid[k, i], "pv_area_share": r.pv_area_share,
                   "cover": r.cover, "cover_area_share": r.cover_area_share,
                   "biomass_option": r.biomass_option or "", "biomass_area_share": r.biomass_area_share,
                   "habitat_area_share": r.habitat_area_share, "public_access": r.public_access,
                   "labour": r.labour, "solar_zone": "", "ghi_kwh_m2_yr": np.nan,
                   "specific_yield_kwh_kwp_yr": np.nan, "pv_mwp_ha": 0.0, "electricity_mwh_ha_yr": 0.0,
                   "avoided_co2_t_ha_yr": 0.0, "soc_co2e_t_ha_yr": 0.0, "net_co2e_t_ha_yr": 0.0,
                   "npv_vs_baseline_cny_ha": np.nan, "pv_capex_cny_ha": 0.0, "pv_note": "", "note": r.note,
                   "pv_note_msg": ""}
            # reason_msg: the reason as a message ('' where a given text came without one)
            allowed, reason, rmsg = True, "", None
            if st[k, i] == "forbidden":
                allowed, reason, rmsg = False, txt[k, i], rule_msg.get((rid[k, i], txt[k, i]))
            elif r.grazing == "yes" and cls[i] == "strict_control":
                allowed, rmsg = False, grazing
                reason = render(rmsg, "en")
            plan_row = plan_rows.get((pid, r.biomass_option)) if r.biomass_option else None
            if allowed and r.biomass_option:
                if plan_row is None:
                    allowed, rmsg = False, Message.of("reuse.plan_option_missing", option=r.biomass_option)
                    reason = render(rmsg, "en")
                elif not bool(plan_row["applicable"]):
                    allowed, reason = False, f"{r.biomass_option}: {plan_row['reason']}"
                    why = plan_row.get("reason_msg", "")
                    rmsg = (Message.of("reuse.option_reason", option=r.biomass_option, reason=Message.decode(why))
                            if is_encoded(why) else None)
            cash = np.zeros(horizon_yr)
            if allowed:
                if r.pv_area_share > 0:
                    out.update(solar_zone=yields["solar_zone"].iat[i], ghi_kwh_m2_yr=yields["ghi_kwh_m2_yr"].iat[i],
                               specific_yield_kwh_kwp_yr=yld, pv_note=yields["pv_note"].iat[i],
                               pv_note_msg=pv_msg[i])
                    key = (yld, r.pv_area_share)  # plots of one PV site share their per-hectare figures
                    pv = pv_rows.get(key)
                    if pv is None:
                        pv = pv_rows[key] = solar.pv_per_hectare([yld], [r.pv_area_share], horizon_yr,
                                                                 discount_rate, tables, tariff_cny_kwh).iloc[0]
                    out.update(pv_mwp_ha=pv["pv_mwp_ha"], electricity_mwh_ha_yr=pv["electricity_mwh_ha_yr"],
                               avoided_co2_t_ha_yr=pv["avoided_co2_t_ha_yr"], pv_capex_cny_ha=pv["pv_capex_cny_ha"])
                    pv_npv = pv["pv_npv_cny_ha"]
                else:
                    pv_npv = 0.0
                soc = soc_rate[i] * r.cover_area_share
                cash -= ann[k] * r.cover_area_share
                cash[0] -= est[k] * r.cover_area_share
                cash += carbon_price_cny_t * max(soc, 0.0)
                bio_npv = bio_el = bio_av = bio_net = 0.0
                if plan_row is not None:
                    s = r.biomass_area_share
                    bio_el = s * np.nan_to_num(float(plan_row.get("electricity_mwh_ha_yr", np.nan)))
                    bio_av = s * np.nan_to_num(float(plan_row.get("avoided_electricity_co2e_t_ha_yr", np.nan)))
                    bio_net = s * np.nan_to_num(float(plan_row.get("net_co2e_vs_baseline_t_ha_yr", np.nan)))
                    bio_npv = s * float(plan_row.get("npv_vs_baseline_cny_ha", np.nan))
                out["electricity_mwh_ha_yr"] += bio_el
                out["avoided_co2_t_ha_yr"] += bio_av
                out["soc_co2e_t_ha_yr"] = soc
                pv_av = out["avoided_co2_t_ha_yr"] - bio_av
                out["net_co2e_t_ha_yr"] = pv_av + soc + bio_net
                # own cash flows against doing nothing: the baseline's NPV is given up on the PV/cover share
                share_replaced = min(1.0, r.pv_area_share + (r.cover_area_share if r.pv_area_share == 0 else 0.0))
                out["npv_vs_baseline_cny_ha"] = (pv_npv + npv(cash, discount_rate) + bio_npv
                                                 - share_replaced * base_npv[i])
                if r.pv_area_share > 0 and not np.isfinite(yld):
                    note = yields["pv_note"].iat[i]
                    reason = "allowed; " + (note or "PV yield not computed")
                    rmsg = (allowed_msg + Message.decode(pv_msg[i]) if is_encoded(pv_msg[i]) else
                            None if note else allowed_msg + not_computed)
                    for c in ("electricity_mwh_ha_yr", "avoided_co2_t_ha_yr", "net_co2e_t_ha_yr",
                              "npv_vs_baseline_cny_ha"):
                        out[c] = np.nan
                else:
                    reason = (txt[k, i] or render(no_rule, "en")) if st[k, i] else ""
                    rmsg = (rule_msg.get((rid[k, i], txt[k, i])) if txt[k, i] else no_rule) if st[k, i] else None
            out["allowed"] = allowed
            out["reason"] = reason
            out["reason_msg"] = "" if rmsg is None else rmsg.encode()
            if allowed:
                ex = exposure[r.exposure_class or ""]
                out.update(exposure_class=ex["exposure_class"][i], exposure_verdict=ex["exposure_verdict"][i],
                           exposure_reason=ex["exposure_reason"][i], exposure_reason_msg=ex["exposure_reason_msg"][i])
            else:
                out.update(exposure_class=r.exposure_class or "", exposure_verdict="", exposure_reason="",
                           exposure_reason_msg="")
            rows.append(out)
    return pd.DataFrame(rows, columns=REUSE_COLUMNS)


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

    def build():
        r = tables.opportunity_rules.sort_values(["service", "order"], kind="stable")
        return {sv: list(g.itertuples(index=False)) for sv, g in r.groupby("service", sort=False)}

    for r in tables.memo("opportunity_rules_by_service", build).get(service, []):
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
                       land_uses=("marginal",)) -> pd.DataFrame:
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
    rows = []
    for _, r in sel.iterrows():
        d = r.to_dict()
        d["npv_cny_ha"] = d.get("npv_vs_baseline_cny_ha", np.nan)
        out = {"plot_id": d["plot_id"], "reuse_id": d["reuse_id"],
               "reuse_name": d["reuse_name"] if lang == "en" else d["reuse_name_zh"]}
        total = 0
        for s in SERVICES:
            sc, why = score_service(d, s, tables, lang)
            out[f"score_{s}"] = sc
            out[f"why_{s}"] = why
            total += sc
        out["score_total"] = total
        rows.append(out)
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def reuse_for_plan(result, weather_file=None, tariff_cny_kwh: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Soft re-uses and the opportunity matrix of a :class:`agriremed.engine.plan.Plan`.

    Parameters
    ----------
    result : Plan
        A plan (its plots, soil classes, plan table, scenario and tables are used).
    weather_file : str, optional
        EPW/TMY3 file for the PV yield; the scenario's ``pv_weather_file`` when None.
    tariff_cny_kwh : float, optional
        PV electricity price [CNY kWh⁻¹]; the scenario's ``pv_tariff_cny_kwh`` or the table's.

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
                           carbon_price_cny_t=s.carbon_price_cny_t, rule_set=s.rule_set, tables=result.tables,
                           weather_file=wf, tariff_cny_kwh=tariff)
    return reuse, opportunity_matrix(reuse, result.tables)


def _source_keys(tables: Tables) -> list[str]:  # pragma: no cover - helper for the docs
    return sorted({k for c in tables.reuse_options["source"] for k in split_keys(c)})


#: In-memory plans with more plots than this get no soft re-use tables from :func:`for_plan`
#: (the per-row evaluation is not vectorised: about 2 s per 1 000 plots). It is above the most
#: plots the command line plans in one go (:func:`agriremed.engine.stream.chunk_size_for`, 7 166 without
#: draws); larger inputs are planned in chunks, and chunked runs
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
