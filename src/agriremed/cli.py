"""Command-line interface: ``agriremed plan | screen | validate``.

Exit codes: 0 success; 1 the input has errors (``validate``) or no plot could be
planned (``plan``); 2 the file or scenario could not be read. Bad input never
produces a traceback: every problem is printed with its row, column and what was
expected.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import __version__
from .io import InputFileError, write_csv
from .scenario import Scenario, ScenarioError

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    p = argparse.ArgumentParser(
        prog="agriremed",
        description="Plan the remediation of heavy-metal-contaminated farmland: GB 15618 soil "
                    "class, crop metal vs food limits, options with duration, energy, carbon, "
                    "economics and ranking.")
    p.add_argument("--version", action="version", version=f"agriremed {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    pl = sub.add_parser("plan", help="plan every valid plot and write plan.csv, summary.csv, report.html")
    pl.add_argument("plots", help="plot table (CSV, Excel or Parquet)")
    pl.add_argument("--out", required=True, help="output folder")
    pl.add_argument("--scenario", help="scenario file (JSON or YAML) with user assumptions")
    pl.add_argument("--seed", type=int, help="Monte Carlo seed (overrides the scenario)")
    pl.add_argument("--draws", type=int, help="Monte Carlo draws (0 = deterministic only)")
    pl.add_argument("--horizon", type=int, help="planning horizon in years")
    pl.add_argument("--standard", choices=["GB2762", "EU2023_915", "CODEX"], help="food standard")
    pl.add_argument("--no-report", action="store_true", help="skip report.html")
    pl.add_argument("--quiet", action="store_true", help="print only the output paths")

    sc = sub.add_parser("screen", help="classify plots against GB 15618-2018")
    sc.add_argument("plots", help="plot table (CSV, Excel or Parquet)")
    sc.add_argument("--out", help="folder for soil_screening.csv and soil_classes.csv")
    sc.add_argument("--set", default="gb15618_2018", help="threshold set id")

    va = sub.add_parser("validate", help="list every problem in a plot table")
    va.add_argument("plots", help="plot table (CSV, Excel or Parquet)")
    va.add_argument("--out", help="write problems.csv to this folder")
    va.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    return p


def _print_problems(msgs: list[str], limit: int = 200) -> None:
    for m in msgs[:limit]:
        print("  " + m)
    if len(msgs) > limit:
        print(f"  … and {len(msgs) - limit} more (see problems.csv)")


def _cmd_validate(args) -> int:
    from .validate import validate_plots

    v = validate_plots(args.plots)
    print(v.summary())
    for note in v.notes:
        print("note: " + note)
    _print_problems(v.messages())
    if args.out:
        path = write_csv(v.problems, Path(args.out) / "problems.csv")
        print(f"wrote {path}")
    if not v.ok:
        return 1
    return 1 if (args.strict and len(v.warnings)) else 0


def _cmd_screen(args) -> int:
    from . import soil
    from .validate import validate_plots

    v = validate_plots(args.plots)
    if len(v.plots) == 0:
        print(v.summary())
        _print_problems(v.messages())
        return 1
    screened = soil.screen(v.plots, set_id=args.set)
    classes = soil.plot_classes(screened, v.plots["plot_id"])
    show = classes.assign(max_exceedance_ratio=classes["max_exceedance_ratio"].round(2))
    with pd.option_context("display.width", 120, "display.max_rows", 60):
        print(show.to_string(index=False))
    if len(v.rejected):
        print(f"\n{len(v.rejected)} row(s) rejected:")
        _print_problems(v.messages())
    if args.out:
        out = Path(args.out)
        print(f"wrote {write_csv(screened, out / 'soil_screening.csv')}")
        print(f"wrote {write_csv(classes, out / 'soil_classes.csv')}")
        print(f"wrote {write_csv(v.rejected, out / 'rejected.csv')}")
    return 0


def _cmd_plan(args) -> int:
    from .plan import plan

    scenario = Scenario.load(args.scenario) if args.scenario else Scenario()
    changes = {k: v for k, v in {"seed": args.seed, "mc_draws": args.draws, "horizon_yr": args.horizon,
                                 "food_standard": args.standard}.items() if v is not None}
    if changes:
        scenario = scenario.replace(**changes)
    p = plan(args.plots, scenario, progress=None if not args.quiet else False)
    if len(p.plots) == 0:
        print(f"no plot could be planned: {len(p.rejected)} row(s) rejected")
        _print_problems(_messages(p.problems))
        paths = p.write(args.out, report=False)
        print(f"wrote {paths['rejected']}")
        return 1
    paths = p.write(args.out, report=not args.no_report)
    if not args.quiet:
        s = p.summary
        show = pd.DataFrame({
            "plot": s["plot_id"], "class": s["soil_class"].str.replace("_", " "),
            "metals>screen": s["metals_exceeding"].replace("", "-"),
            "recommended": s["recommended_option"],
            "yrs P50": s["years_p50"].map(lambda x: "-" if pd.isna(x) else "never" if x == float("inf")
                                          else f"{x:.0f}"),
            "NPV vs none [CNY/ha]": s["npv_vs_baseline_cny_ha"].map(lambda x: "-" if pd.isna(x) else f"{x:,.0f}"),
            "CO2e vs none [t/ha/yr]": s["net_co2e_vs_baseline_t_ha_yr"].map(
                lambda x: "-" if pd.isna(x) else f"{x:+.2f}"),
        })
        with pd.option_context("display.width", 160, "display.max_rows", 40, "display.max_colwidth", 30):
            print(show.head(40).to_string(index=False))
        if len(s) > 40:
            print(f"… {len(s) - 40} more plots in summary.csv")
        print(f"\n{len(p.plots)} plot(s) planned, {len(p.rejected)} rejected "
              f"(seed {p.scenario.seed}, {p.scenario.mc_draws} Monte Carlo draws).")
        if len(p.rejected):
            print("Rejected rows and reasons are in rejected.csv:")
            for r in p.rejected.itertuples(index=False):
                print(f"  row {r.input_row}: {r.reasons}")
    for name, path in paths.items():
        print(f"wrote {path}")
    return 0


def _messages(problems: pd.DataFrame) -> list[str]:
    from .validate import Validation

    v = Validation(plots=pd.DataFrame(), rejected=pd.DataFrame(), problems=problems, n_input=0)
    return v.messages()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "screen":
            return _cmd_screen(args)
        return _cmd_plan(args)
    except (InputFileError, ScenarioError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
