"""Every total counts a field's whole-year plan once, as the report does: sorghum recommended on the 早稻 and the
晚稻 row of field D4 is one plan, so the dashboards' key figures and region table, the GIS region totals
(regions.csv) and the console table add its area, money and carbon once, from the same helper as the report
(``stages.seasons.counted_once``). The summary keeps both rows' own numbers; the column ``same_plan_as`` says in
its label (EN/中文) that the row is not added in totals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.io.report import PlanDigest
from test_field_once import _p2

# the report's totals of _p2 (tests/test_field_once.py): D4 sorghum once (5 386.7 CNY), D3 low-Cd rice both
# seasons (2 × -208.1 CNY); each field's area once, with its first row (2 mu = 0.1333 ha)
AREA_HA = 4 / 15
NPV_CNY = 4970.5
CO2E_T = -67.106


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(_p2(), agriremed.Scenario(mc_draws=0), progress=False)


@pytest.fixture(scope="module")
def digest(plan):
    return PlanDigest.from_plan(plan)


def test_the_report_totals_of_the_two_season_fields(plan, digest):
    s = plan.summary
    assert s["same_plan_as"].tolist()[:2] == [None, "D4~早稻"]
    # the rows' own numbers stay (not blanked): summed as they stand they double-count D4
    assert s["area_ha"].sum() == pytest.approx(0.6)
    assert float((s["npv_vs_baseline_cny_ha"] * s["area_ha"]).sum()) == pytest.approx(7506.9, abs=1.0)
    assert s["net_co2e_t"].sum() == pytest.approx(-87.077, abs=0.01)
    assert digest.area_ha == pytest.approx(AREA_HA)
    assert digest.npv_cny() == pytest.approx(NPV_CNY, abs=1.0)
    assert digest.co2e_t() == pytest.approx(CO2E_T, abs=0.01)


def test_counted_once_is_the_report_s_helper(plan, digest):
    from agriremed.stages.seasons import counted_once

    once = counted_once(plan.summary, plan.tables)
    assert once["repeat"].tolist() == [False, True, False, False]
    assert once["area_ha"].sum() == pytest.approx(digest.area_ha)
    assert once["npv_cny"].sum() == pytest.approx(digest.npv_cny())
    assert once["co2e_t"].sum() == pytest.approx(digest.co2e_t())
    assert once["programme_cny"].sum() == pytest.approx(digest.programme_cny())
    # the per-row values of the repeated row stay in the summary, only the sums leave it out
    assert plan.summary["net_co2e_t"].iat[1] == pytest.approx(-19.97, abs=0.01)


def test_dashboard_region_table_equals_the_report_totals(plan, digest):
    from agriremed.apps.dashboards.portfolio import region_summary

    r = region_summary(plan.summary, 1, "en", plan.tables).set_index("region").loc["Hunan"]
    # before: 0.6 ha (every season row's area) and -87.08 t (D4's sorghum twice)
    assert r["plots"] == 4
    assert r["area_ha"] == pytest.approx(digest.area_ha)
    assert r["area_ha"] == pytest.approx(AREA_HA)
    assert r["area_strict_control_ha"] == pytest.approx(digest.by_class["strict_control"][1])
    assert r["area_strict_control_ha"] == pytest.approx(2 / 15)
    assert r["area_safe_utilisation_ha"] == pytest.approx(digest.by_class["safe_utilisation"][1])
    assert r["net_co2e_t"] == pytest.approx(digest.co2e_t())
    assert r["net_co2e_t"] == pytest.approx(CO2E_T, abs=0.01)
    assert r["recommended"] == {"sorghum": 2, "lime_low_cd_rice": 2}  # rows, as the report's plots


def test_dashboard_key_figures_equal_the_report_totals(digest):
    from agriremed.apps.dashboards.portfolio import Portfolio

    p = Portfolio(background=False)
    p.load(_p2())
    # the key figures shown (4 significant digits) and the region table; before: 0.6 and -87.08
    assert "id='kpi-area'><b>0.2667</b>" in p.kpis.value
    assert "id='kpi-co2'><b>-67.11</b>" in p.kpis.value
    assert ">0.2667<" in p.region_html.value and ">-67.11<" in p.region_html.value
    from agriremed.apps.dashboards.portfolio import portfolio_totals

    tot = portfolio_totals(p.result.summary, p.tables)
    assert tot["area_ha"] == pytest.approx(digest.area_ha)
    assert tot["net_co2e_t"] == pytest.approx(digest.co2e_t())


def test_geo_region_totals_equal_the_report_totals(plan, digest):
    from agriremed.io.geo import region_totals

    r = region_totals(plan.summary, np.array(["R"] * 4, object)).set_index("region").loc["R"]
    # before: 0.6 ha, 7 507 CNY, -87.08 t
    assert r["area_ha"] == pytest.approx(digest.area_ha)
    assert r["npv_vs_baseline_cny"] == pytest.approx(digest.npv_cny())
    assert r["npv_vs_baseline_cny"] == pytest.approx(NPV_CNY, abs=1.0)
    assert r["net_co2e_t"] == pytest.approx(digest.co2e_t())
    assert r["area_rec_sorghum_ha"] == pytest.approx(digest.by_option["sorghum"]["area_ha"])
    assert r["area_rec_lime_low_cd_rice_ha"] == pytest.approx(digest.by_option["lime_low_cd_rice"]["area_ha"])
    assert r["area_strict_control_ha"] == pytest.approx(digest.by_class["strict_control"][1])


def test_console_area_by_option_counts_the_field_once(tmp_path, plan, digest):
    from agriremed.apps.cli import _recommended_area

    path = tmp_path / "summary.csv"
    plan.summary.to_csv(path, index=False, encoding="utf-8-sig")
    top = _recommended_area(path, "csv", "en", plan.tables)
    area = top.iloc[:, 1]
    assert area["sorghum"] == pytest.approx(digest.by_option["sorghum"]["area_ha"])
    assert area["lime_low_cd_rice"] == pytest.approx(digest.by_option["lime_low_cd_rice"]["area_ha"])
    assert top.iloc[:, 0].tolist() == [2, 2]  # rows, as the report's plots


def test_the_column_label_says_the_row_is_not_added_in_totals():
    from agriremed.core import i18n

    assert i18n.label("same_plan_as", "en") == "Same plan as row (this row not added in totals)"
    assert i18n.label("same_plan_as", "zh") == "与该行同一方案（本行不计入合计）"
    assert "is not added in any total" in i18n.description("same_plan_as", "en")
    zh = i18n.description("same_plan_as", "zh")
    assert "不计入任何合计" in zh and "仅供参考" in zh


# ---------------------------------------------------------------------------- GIS run end to end
def _gis_input(tmp_path: Path) -> tuple[Path, Path]:
    gpd = pytest.importorskip("geopandas")
    pyogrio = pytest.importorskip("pyogrio")
    shapely = pytest.importorskip("shapely")
    side = (2 * 10_000 / 15) ** 0.5  # 2 mu
    x0, y0 = 500_000.0, 3_100_000.0
    d4 = shapely.box(x0, y0 + 1_000, x0 + side, y0 + 1_000 + side)  # north
    d3 = shapely.box(x0, y0, x0 + side, y0 + side)  # south
    src = tmp_path / "p.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame(_p2(), geometry=[d4, d4, d3, d3], crs="EPSG:4547"), src)
    reg = tmp_path / "r.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"名称": ["北", "南"]},
                                             geometry=[shapely.box(499_000, y0 + 500, 501_000, y0 + 5_000),
                                                       shapely.box(499_000, y0 - 5_000, 501_000, y0 + 500)],
                                             crs="EPSG:4547"), reg)
    return src, reg


def test_gis_regions_csv_equals_the_report_totals(tmp_path, digest):
    gpd = pytest.importorskip("geopandas")
    from agriremed.apps.cli import main

    src, reg = _gis_input(tmp_path)
    out = tmp_path / "out"
    assert main(["plan", str(src), "--out", str(out), "--draws", "0", "--format", "gpkg", "--regions", str(reg),
                 "--quiet"]) == 0
    r = pd.read_csv(out / "regions.csv", encoding="utf-8-sig").set_index("region")
    # 北: field D4, sorghum on both season rows, one plan; 南: field D3, low-Cd rice in both seasons
    assert r.loc["北", "plots"] == 2 and r.loc["南", "plots"] == 2
    assert r.loc["北", "area_ha"] == pytest.approx(2 / 15, rel=1e-3)
    assert r.loc["北", "npv_vs_baseline_cny"] == pytest.approx(digest.by_option["sorghum"]["npv_cny"], abs=1.0)
    assert r.loc["北", "npv_vs_baseline_cny"] == pytest.approx(5386.7, abs=1.0)  # before: 7 923
    assert r.loc["北", "net_co2e_t"] == pytest.approx(digest.by_option["sorghum"]["co2e_t"], abs=0.01)
    assert r["area_ha"].sum() == pytest.approx(digest.area_ha, rel=1e-3)
    assert r["npv_vs_baseline_cny"].sum() == pytest.approx(digest.npv_cny(), abs=1.0)
    assert r["net_co2e_t"].sum() == pytest.approx(digest.co2e_t(), abs=0.01)
    # the layer keeps every row with its own numbers, the repeated one flagged
    plots = gpd.read_file(out / "plan.gpkg", layer="plots").set_index("plot_id")
    assert plots.loc["D4~晚稻", "same_plan_as"] == "D4~早稻"
    assert plots["area_ha"].sum() == pytest.approx(0.6, rel=1e-3)


def test_gis_regions_csv_of_a_chunked_run_counts_the_field_once(tmp_path, digest):
    from agriremed.apps.cli import main

    src, reg = _gis_input(tmp_path)
    out = tmp_path / "out"
    assert main(["plan", str(src), "--out", str(out), "--draws", "0", "--chunk-size", "2", "--format", "gpkg",
                 "--regions", str(reg), "--quiet"]) == 0
    r = pd.read_csv(out / "regions.csv", encoding="utf-8-sig")
    # read back from summary.parquet with its field_id: before, 0.6 ha, 7 507 CNY and -87.08 t
    assert r["plots"].sum() == 4
    assert r["area_ha"].sum() == pytest.approx(digest.area_ha, rel=1e-3)
    assert r["npv_vs_baseline_cny"].sum() == pytest.approx(digest.npv_cny(), abs=1.0)
    assert r["net_co2e_t"].sum() == pytest.approx(digest.co2e_t(), abs=0.01)
    # each season row keeps the polygon of the layer row it was read from (before: joined by the layer's plot
    # id D4, repeated on two rows, so no row had a geometry and every plot was outside the regions)
    r = r.set_index("region")
    assert r.loc["北", "npv_vs_baseline_cny"] == pytest.approx(5386.7, abs=1.0)
    assert r.loc["南", "plots"] == 2 and r.loc["南", "area_ha"] == pytest.approx(2 / 15, rel=1e-3)
    gpd = pytest.importorskip("geopandas")
    plots = gpd.read_file(out / "plan.gpkg", layer="plots").set_index("plot_id")
    assert plots.geometry.notna().all() and not plots.geometry.is_empty.any()
    assert plots.geometry.centroid.y.round(1).to_dict() == pytest.approx(
        {"D4~早稻": 3_101_018.3, "D4~晚稻": 3_101_018.3, "D3~早稻": 3_100_018.3, "D3~晚稻": 3_100_018.3}, abs=0.1)
    rec = gpd.read_file(out / "plan.gpkg", layer="recommended")
    assert rec.geometry.notna().all() and len(rec) == 4


def test_the_dashboard_maps_every_season_row_of_a_gis_upload(tmp_path):
    pytest.importorskip("geopandas")
    from agriremed.apps.dashboards.portfolio import Portfolio

    src, _ = _gis_input(tmp_path)
    p = Portfolio(background=False)
    p.load(src)
    assert sorted(p.geometry.index) == ["D3~早稻", "D3~晚稻", "D4~早稻", "D4~晚稻"]
    assert p.geometry.centroid.y.round(1).loc["D4~晚稻"] == pytest.approx(3_101_018.3, abs=0.1)
    assert "id='kpi-area'><b>0.2667</b>" in p.kpis.value


@pytest.mark.parametrize("lang, label", [("en", "Same plan as row (this row not added in totals)"),
                                         ("zh", "与该行同一方案（本行不计入合计）")])
def test_the_workbook_summary_header_says_the_row_is_not_added(tmp_path, plan, lang, label):
    from agriremed.io.workbook import sheet_names, write_workbook

    path = write_workbook(plan, tmp_path / "plan.xlsx", lang=lang)
    head = pd.read_excel(path, sheet_name=sheet_names(lang)["summary"], header=[0, 1],
                         engine="openpyxl")
    col = next(c for c in head.columns if c[1] == "same_plan_as")
    assert col[0] == label
    # the repeated row keeps its own numbers (not blanked)
    area = next(c for c in head.columns if c[1] == "area_ha")
    assert head[area].notna().all() and head[col].tolist()[1] == "D4~早稻"
