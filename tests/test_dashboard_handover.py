"""Dashboards an officer can hand over: log-axis labels, placeholders of a new plot, the sheet
picker of the portfolio, the traffic-light legend, plot money, packaging of the notebooks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agriremed.core import columns as C
from agriremed import load_tables
from agriremed.apps.dashboards import App, OptionComparison, PlotAssessment, Portfolio
from agriremed.apps.dashboards import figures as F
from agriremed.apps.dashboards._axes import log_axis, log_ticks, tick_text
from agriremed.apps.dashboards._base import light_legend
from agriremed.apps.dashboards.assessment import NEW, NEW_PLOT

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "plots.csv"


# ---------------------------------------------------------------- log axes
def test_tick_text_is_plain_and_full():
    assert [tick_text(v) for v in (0.2, 0.02, 0.35, 1, 10, 100, 500, 2000)] == [
        "0.2", "0.02", "0.35", "1", "10", "100", "500", "2,000"]


def test_log_ticks_label_decades_and_the_limit_itself():
    vals, text, minor = log_ticks(0.01, 5, marks=[0.2])
    assert text == ["0.01", "0.1", "0.2", "1"]  # the 0.2 mg/kg limit reads 0.2, never "2"
    assert vals == [0.01, 0.1, 0.2, 1.0]
    assert 0.2 not in minor and 0.02 in minor and 5 in minor  # the rest: unlabelled grid lines


def test_log_ticks_drop_a_decade_label_that_would_overlap_a_limit():
    # 0.8 is 0.097 log10 units from 1 (< 0.15): the decade label 1 is left out, 0.8 kept
    assert log_ticks(0.05, 5, marks=[0.8])[1] == ["0.1", "0.8"]


def test_log_axis_range_is_padded_in_log_units():
    ax = log_axis(0.1, 10, pad=2.0)
    assert ax["type"] == "log" and ax["tickmode"] == "array"
    assert ax["range"] == pytest.approx([np.log10(0.05), np.log10(20)])
    assert ax["ticktext"] == ["0.1", "1", "10"]


def test_crop_figure_labels_each_food_limit():
    checked = pd.DataFrame({
        "crop": ["rice", "rice"], "metal": ["cd", "pb"],
        "crop_fw_p05_mg_kg": [0.05, 0.01], "crop_fw_p50_mg_kg": [0.12, 0.03],
        "crop_fw_p95_mg_kg": [0.4, 0.09],
        "food_limit_mg_kg": [0.2, 0.35], "p_exceed_limit": [0.2, 0.0],
    })
    y = F.crop_vs_limits(checked).layout.yaxis
    assert "0.2" in y.ticktext and "0.35" in y.ticktext
    assert all(not re.fullmatch(r"[2-9]", t) for t in y.ticktext)  # no bare minor-tick digits


# ---------------------------------------------------------------- new plot
def test_new_plot_has_no_plausible_measured_values():
    numeric = {c.name for c in C.input_columns() if c.dtype in ("float", "int")}
    assert not numeric & set(NEW_PLOT)  # nothing measured is prefilled
    d = PlotAssessment(None, background=False)
    assert d.picker.value == NEW
    for name in ("area_ha", "ph", "cd_mg_kg", "som_pct"):
        assert d.fields[name].value == ""
    assert d.fields["ph"].placeholder == "required"
    assert d.fields["som_pct"].placeholder == "recommended"
    assert d.fields["cd_mg_kg"].placeholder == "blank = not measured"
    assert d.plot_class is None  # nothing is assessed until values are typed in
    d.set_lang("zh")
    assert d.fields["ph"].placeholder == "必填"


# ---------------------------------------------------------------- legend and money
def test_legend_states_the_planner_thresholds():
    tables = load_tables()
    html = light_legend(tables, "en", ["food_safety", "economics"])
    rows = re.findall(r"<tr><td data-col='criterion' class=''>([^<]*)</td>(.*?)</tr>", html)
    assert [r[0] for r in rows] == ["Food safety", "Economics"]
    cells = [re.findall(r">([^<]*)</td>", r[1]) for r in rows]
    assert cells[0] == ["≥ 95 %", "50 % to &lt; 95 %", "&lt; 50 %"]  # traffic_lights.csv: 0.95, 0.5
    assert cells[1] == ["≥ 0 CNY ha⁻¹", "−30,000 CNY ha⁻¹ to &lt; 0 CNY ha⁻¹", "&lt; −30,000 CNY ha⁻¹"]


def test_comparison_shows_legend_and_money_of_the_whole_plot():
    d = OptionComparison(SAMPLE, background=False)
    assert "id='light-legend'" in d.legend_html.value
    t = d.options_table.loc[d.options_table["applicable"].astype(bool)].reset_index(drop=True)
    area = float(d.result.summary["area_ha"].iloc[0])
    npv = t["npv_vs_baseline_cny_ha"].iloc[0] * area
    first = re.search(r"<tbody><tr>(.*?)</tr>", d.table_html.value).group(1)
    cell = re.search(r"data-col='npv_plot_cny'[^>]*>([^<]*)<", first).group(1)
    assert float(cell.replace(",", "")) == pytest.approx(npv, abs=0.6)
    # beside it: actual years of the option's cash flows, not the NPV spread over the horizon
    assert "npv_plot_per_yr_cny" not in d.table_html.value
    y1 = re.search(r"data-col='cash_flow_year1_plot_cny'[^>]*>([^<]*)<", first).group(1)
    typ = re.search(r"data-col='cash_flow_typical_plot_cny_yr'[^>]*>([^<]*)<", first).group(1)
    assert float(y1.replace(",", "")) == pytest.approx(t["cash_flow_year1_cny_ha"].iloc[0] * area, abs=0.6)
    m = re.fullmatch(r"([+\-−]?[\d,]+) \(year (\d+)\)", typ)
    assert m, typ
    assert float(m.group(1).replace(",", "").replace("−", "-")) == pytest.approx(
        t["cash_flow_typical_cny_ha_yr"].iloc[0] * area, abs=0.6)
    assert int(m.group(2)) == t["typical_year"].iloc[0]
    assert 2 <= int(m.group(2)) <= d.result.scenario.horizon_yr


def test_language_switch_redraws_only_the_tab_on_screen():
    a = App(SAMPLE, background=False)
    a.tabs.selected_index = 0
    before = a.portfolio.summary_html.value
    a.set_lang("zh")
    assert a.assessment.banner.value != "" and "安全利用类" in a.assessment.banner.value
    assert a.portfolio.summary_html.value == before  # not redrawn yet
    a.tabs.selected_index = 2
    assert a.portfolio.summary_html.value != before and "安全利用类" in a.portfolio.summary_html.value


# ---------------------------------------------------------------- sheet picker
def test_portfolio_offers_the_sheets_of_a_workbook(tmp_path):
    plots = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"note": ["survey 2024"]}).to_excel(xw, sheet_name="readme", index=False)
        plots.to_excel(xw, sheet_name="plots", index=False)
    p = Portfolio(background=False)
    p._on_upload({"new": [{"name": "survey.xlsx", "content": path.read_bytes()}]})
    assert list(p.sheet.options) == ["readme", "plots"] and p.sheet.layout.display is None
    assert p.validation is None  # nothing read before a sheet is chosen
    p.sheet.value = "plots"
    assert len(p.validation.plots) == len(plots) and len(p.result.summary) == len(plots)


# ---------------------------------------------------------------- packaging
@pytest.mark.slow
def test_wheel_carries_notebooks_templates_and_samples(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
                    str(ROOT)], check=True, cwd=tmp_path)
    (whl,) = tmp_path.glob("agriremed-*.whl")
    names = set(zipfile.ZipFile(whl).namelist())
    for nb in (ROOT / "notebooks" / "dashboards").glob("*.ipynb"):
        assert f"agriremed/apps/dashboards/notebooks/{nb.name}" in names
    for f in ("index.html.j2", "page.html", "tree.html", "conf.json"):
        assert f"agriremed/apps/dashboards/jupyter/voila/templates/agriremed/{f}" in names
    assert "agriremed/apps/dashboards/notebooks/samples/plots_two_broken_rows.csv" in names


# ---------------------------------------------------------------- start-up
def test_dashboard_kernel_skips_the_slow_optional_import(tmp_path):
    """In a dashboard-server kernel plotly's widget is imported without jsonschema's IRI checker
    (rfc3987_syntax builds a grammar parser on import, 8-9 s); elsewhere nothing is skipped."""
    code = (
        "import os, sys, time\n"
        "from agriremed.apps.dashboards._base import figure_widget_class\n"
        "figure_widget_class()()\n"
        "import jsonschema\n"
        "jsonschema.validate('x', {'type': 'string'}, format_checker=jsonschema.FormatChecker())\n"
        "print(repr(sys.modules.get('rfc3987_syntax', 'absent')))\n"
    )
    env = {**os.environ, "AGRIREMED_PLOTLY_ESM": "plotly-widget.js", "VOILA_BASE_URL": "/"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None"  # unimportable: jsonschema leaves the "iri" format unchecked
    plain = {k: v for k, v in os.environ.items() if k not in ("AGRIREMED_PLOTLY_ESM", "VOILA_BASE_URL")}
    out = subprocess.run([sys.executable, "-c", code], env=plain, capture_output=True, text=True, check=True)
    assert out.stdout.strip() != "None"
