"""Validation against published results: golden cases run through the model code.

Each case file in ``tests/validation/`` holds inputs, the published value, a tolerance
and the source key. :func:`run_cases` computes the model value with agriremed's own
functions and reports the agreement; ``python -m agriremed.validation`` writes the table
to ``docs/validation.md``. The test suite fails when any case disagrees beyond its
tolerance, and checks that every case would fail if its published value were wrong.

Case files (one evaluator each):

``sumatecs_cleanup.csv``
    zero-order clean-up years (SUMATECS 2008, Table 6);
``soil_thresholds.csv``
    GB 15618-2018 values at and around every pH band edge;
``food_limits.csv``
    GB 2762—2025, EU 2023/915 and Codex limits by crop;
``biochar_sink.csv``
    IPCC 2019 biochar sink worked factors;
``soc_change.csv``
    IPCC 2019 Tier 1 SOC change worked cases;
``field_removal.csv``
    Sedum plumbizincicola field Cd export = biomass × shoot concentration.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["run_cases", "validation_markdown", "CASE_FILES"]


def _zero_order(df: pd.DataFrame) -> pd.DataFrame:
    from .duration import years_zero_order
    from .soil import soil_mass_t_ha

    mass = soil_mass_t_ha(df["depth_m"], df["bulk_density_g_cm3"])
    per_row = df["shoot_mg_kg"].notna().to_numpy()
    biomass = np.where(per_row, df["biomass_t_ha"], 1.0)
    shoot = np.where(per_row, df["shoot_mg_kg"], df["removal_g_ha_yr"])
    model = years_zero_order(df["c0_mg_kg"], df["ct_mg_kg"], mass, biomass, shoot)
    pub = df["published_years"].to_numpy(float)
    tol = np.maximum(df["tolerance_rel"].to_numpy(float) * pub, 0.5)
    return _frame(df, "clean-up years", model, pub, tol, "yr",
                  "5 % or the 0.5 yr rounding of the printed whole years")


def _thresholds(df: pd.DataFrame) -> pd.DataFrame:
    from .soil import threshold_values

    model = np.concatenate([threshold_values([r.ph], [r.land_use], r.metal, r.kind)
                            for r in df.itertuples(index=False)])
    return _frame(df, "threshold", model, df["published_mg_kg"], df["tolerance_abs"], "mg/kg", "exact")


def _food_limits(df: pd.DataFrame) -> pd.DataFrame:
    from .tables import load_tables
    from .uptake import food_safety

    t = load_tables()
    model = []
    for r in df.itertuples(index=False):
        pred = pd.DataFrame({"plot_id": ["x"], "crop": [r.crop], "metal": [r.metal],
                             "crop_fw_p50_mg_kg": [1.0], "se_log10": [0.3], "note": [""]})
        model.append(food_safety(pred, r.standard, t)["food_limit_mg_kg"].iloc[0])
    return _frame(df, "food limit", np.array(model, float), df["published_mg_kg"], df["tolerance_abs"],
                  "mg/kg", "exact")


def _biochar(df: pd.DataFrame) -> pd.DataFrame:
    from .carbon import biochar_carbon_sink

    model = biochar_carbon_sink(df["mass_t"].to_numpy(float), df["feedstock"].to_numpy(object),
                                df["temperature_class"].to_numpy(object))
    pub = df["published_t_co2"].to_numpy(float)
    return _frame(df, "biochar CO2 removal", model, pub, df["tolerance_rel"].to_numpy(float) * pub, "t CO2",
                  "rounding of the published factor")


def _soc(df: pd.DataFrame) -> pd.DataFrame:
    from .carbon import soc_stock_change

    model = soc_stock_change(df["socref_t_c_ha"], df["flu_old"], df["flu_new"], df["years"]) / df["years"]
    return _frame(df, "SOC change", np.asarray(model, float), df["published_t_c_ha_yr"], df["tolerance_abs"],
                  "t C/ha/yr", "rounding of the worked example")


def _removal(df: pd.DataFrame) -> pd.DataFrame:
    model = df["biomass_t_ha"].to_numpy(float) * df["shoot_mg_kg"].to_numpy(float)  # t × mg/kg = g
    pub = df["published_g_ha"].to_numpy(float)
    return _frame(df, "Cd export", model, pub, df["tolerance_rel"].to_numpy(float) * pub, "g/ha",
                  "published export vs biomass × shoot Cd")


def _frame(df, quantity, model, published, tol, unit, tol_text) -> pd.DataFrame:
    model = np.asarray(model, float)
    pub = np.asarray(published, float)
    tol = np.asarray(tol, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(pub != 0, (model - pub) / np.abs(pub), np.nan)
    return pd.DataFrame({
        "case": df["case"].to_numpy(object), "quantity": quantity, "unit": unit,
        "published": pub, "model": model, "difference": model - pub, "relative_difference": rel,
        "tolerance": tol, "tolerance_rule": tol_text, "ok": np.abs(model - pub) <= tol + 1e-12,
        "source": df["source"].to_numpy(object),
        "note": df["note"].fillna("").to_numpy(object) if "note" in df else "",
    })


#: Case file → evaluator.
CASE_FILES = {
    "sumatecs_cleanup.csv": _zero_order,
    "soil_thresholds.csv": _thresholds,
    "food_limits.csv": _food_limits,
    "biochar_sink.csv": _biochar,
    "soc_change.csv": _soc,
    "field_removal.csv": _removal,
}


def run_cases(folder: str | Path, perturb: float = 0.0) -> pd.DataFrame:
    """Run every golden case in ``folder``.

    Parameters
    ----------
    folder : str or Path
        Folder with the case files (``tests/validation``).
    perturb : float
        Relative change applied to every published value (0 for the real check; the
        tests use a perturbation to prove each case can fail).

    Returns
    -------
    pandas.DataFrame
        One row per case: ``file``, ``case``, ``quantity``, ``unit``, ``published``,
        ``model``, ``difference``, ``relative_difference``, ``tolerance``, ``ok``,
        ``source``, ``note``.
    """
    folder = Path(folder)
    parts = []
    for name, fn in CASE_FILES.items():
        df = pd.read_csv(folder / name)
        if perturb:
            for c in [c for c in df.columns if c.startswith("published")]:
                v = df[c].astype(float)
                # a zero published value is moved by an absolute amount
                df[c] = np.where(v != 0, v * (1 + perturb), perturb)
        out = fn(df)
        out.insert(0, "file", name)
        parts.append(out)
    return pd.concat(parts, ignore_index=True)


def validation_markdown(folder: str | Path) -> str:
    """The validation page: every case, its source and the current agreement."""
    r = run_cases(folder)
    lines = ["# Validation against published results", "",
             "Generated by `python -m agriremed.validation` from the case files in `tests/validation/`; "
             "do not edit by hand. Each model value is computed with agriremed's own functions; the test "
             "suite fails when a case is outside its tolerance, and checks that every case would fail if "
             "its published value were wrong.", "",
             f"**{int(r['ok'].sum())} of {len(r)} cases agree within their tolerance.**", ""]
    for name, g in r.groupby("file", sort=False):
        doc = (CASE_FILES[name].__doc__ or "").strip()
        lines += [f"## `{name}`", ""] + ([doc, ""] if doc else [])
        lines += ["| case | quantity | published | model | difference | tolerance | ok | source | note |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for x in g.itertuples(index=False):
            rel = "" if np.isnan(x.relative_difference) else f" ({100 * x.relative_difference:+.1f} %)"
            lines.append(f"| {x.case} | {x.quantity} [{x.unit}] | {x.published:g} | {x.model:.4g} | "
                         f"{x.difference:+.3g}{rel} | {x.tolerance:.3g} | {'yes' if x.ok else '**no**'} | "
                         f"`{x.source}` | {x.note} |")
        lines.append("")
    return "\n".join(lines)


def _repo_root() -> Path:
    here = Path.cwd()
    return next((p for p in [here, *here.parents] if (p / "tests" / "validation").is_dir()), here)


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else _repo_root()
    out = root / "docs" / "validation.md"
    out.write_text(validation_markdown(root / "tests" / "validation"), encoding="utf-8")
    print(f"wrote {out}")
