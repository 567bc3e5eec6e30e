"""The dashboards in Chromium, served by Voila on localhost, as an extension officer uses them.

Each test loads a dashboard, changes an input, waits for the displayed result to become
the value the planner computes (in this process, independently), switches to 中文, and
(through the ``watched`` fixture) checks that no request left the machine and the
console logged no error. Screenshots are saved in ``test-artifacts/``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

import agriremed
from agriremed.core import i18n, messages

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "plots.csv"
BROKEN = ROOT / "data" / "samples" / "plots_two_broken_rows.csv"
LOAD = 180_000  # a page: Voila starts a kernel and runs the notebook, then widgets render [ms]
#: Any other expectation: a kernel callback (planning a few plots) and the widget update, with
#: room for a busy 2-core machine [ms].
expect.set_options(timeout=30_000)
#: The decimal comma of the broken sample row in Chinese (checked as text: a missing translation
#: would leave the English sentence, which the planner-derived expectations cannot tell apart).
DECIMAL_COMMA_ZH = "逗号分隔文件中使用了小数逗号：请用小数点书写（如5.6），或将文件另存为分号分隔格式"


@pytest.fixture(scope="module")
def sample_plan():
    return agriremed.plan(SAMPLE, progress=False)


def open_dashboard(page, voila_url, notebook):
    page.goto(f"{voila_url}/voila/render/{notebook}", timeout=LOAD)
    expect(page.locator(".agriremed").first).to_be_visible(timeout=LOAD)


def field(page, name):
    return page.locator(f".ar-field-{name} input, .ar-field-{name} select").first


def set_text(page, name, value):
    box = field(page, name)
    box.fill(value)
    box.press("Enter")


def upload(page, path):
    """Choose ``path`` in the file dialog of the upload button (its file input is not in the page)."""
    with page.expect_file_chooser() as chooser:
        page.locator(".ar-upload").click()
    chooser.value.set_files(str(path))


def switch_language(page, code):
    page.get_by_role("button", name="中文" if code == "zh" else "English").click()


def test_list_of_dashboards_is_offline(watched, voila_url, shoot):
    watched.goto(voila_url + "/", timeout=LOAD)
    links = watched.locator("#dashboard-list a")
    expect(links).to_have_count(4)
    assert [links.nth(i).get_attribute("href") for i in range(4)] == [
        f"/voila/render/{n}"
        for n in (
            "00_agriremed.ipynb",
            "01_plot_assessment.ipynb",
            "02_option_comparison.ipynb",
            "03_portfolio.ipynb",
        )
    ]
    shoot(watched, "00_dashboard_list")


def test_plot_assessment(watched, voila_url, shoot):
    page = watched
    open_dashboard(page, voila_url, "01_plot_assessment.ipynb")
    banner = page.locator("#plot-class")
    expect(banner).to_have_attribute("data-class", "safe_utilisation", timeout=LOAD)
    cd = page.locator("#soil-table tbody tr").first
    expect(cd.locator("td[data-col='screening_mg_kg']")).to_have_text("0.3")
    expect(page.locator(".ar-fig-soil .js-plotly-plot")).to_have_count(1)
    expect(page.locator(".ar-fig-crop .js-plotly-plot")).to_have_count(1)
    shoot(page, "01_assessment_en")

    # HN-ZZ-01, paddy, Cd 0.86 mg/kg: at pH 7.0 the GB 15618 screening value is 0.6 → 0.86 / 0.6 = 1.43
    set_text(page, "ph", "7.0")
    expect(cd.locator("td[data-col='screening_mg_kg']")).to_have_text("0.6")
    expect(cd.locator("td[data-col='exceedance_ratio']")).to_have_text("1.43")
    # a typing error is listed with the validator's words, never a traceback
    row = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(1).assign(ph="7.0", cd_mg_kg="0,86")
    problem = agriremed.validate_plots(row).errors.set_index("column").loc["cd_mg_kg", "problem"]
    assert problem.startswith("decimal comma")
    set_text(page, "cd_mg_kg", "0,86")
    expect(page.locator("#form-problems td[data-col='problem']")).to_have_text(problem)
    expect(banner).to_have_attribute("data-class", "")
    set_text(page, "cd_mg_kg", "2.5")  # paddy, 6.5 < pH ≤ 7.5: screening 0.6, intervention 3.0 mg/kg
    expect(banner).to_have_attribute("data-class", "safe_utilisation")
    set_text(page, "cd_mg_kg", "3.5")
    expect(banner).to_have_attribute("data-class", "strict_control")

    switch_language(page, "zh")
    expect(banner).to_contain_text("严格管控类")
    expect(page.get_by_text("土壤pH（水浸提） [–]")).to_be_visible()
    expect(page.locator(".ar-fig-soil .gtitle")).to_have_text("土壤含量 / GB 15618筛选值")
    expect(page.locator(".ar-fig-crop .gtitle")).to_have_text("水稻：重金属预测值（商品基）与GB2762限量")
    shoot(page, "01_assessment_zh")


def test_option_comparison(watched, voila_url, sample_plan, shoot, artifacts):
    page = watched
    open_dashboard(page, voila_url, "02_option_comparison.ipynb")
    name = page.locator("#recommended-name")
    best = sample_plan.summary.set_index("plot_id").loc["HN-ZZ-01"]
    options = sample_plan.table.query("plot_id == 'HN-ZZ-01'")
    ranked = options.loc[options["applicable"]].sort_values("rank")
    expect(name).to_have_text(best["recommended_name"], timeout=LOAD)
    expect(page.locator("#recommendation-sentence")).to_have_text(best["recommendation"])
    expect(page.locator("#options-table tbody tr")).to_have_count(len(ranked))
    expect(page.locator("#excluded-table tbody tr")).to_have_count(len(options) - len(ranked))
    first_light = page.locator("#options-table tbody tr").first.locator("td[data-col='light_clean_up']")
    expect(first_light).to_have_attribute("title", ranked["why_clean_up"].iloc[0])
    expect(page.locator(".ar-fig-duration .js-plotly-plot")).to_have_count(1)
    expect(page.locator(".ar-fig-money .js-plotly-plot")).to_have_count(1)
    expect(page.locator(".ar-fig-duration .gtitle")).to_have_text(
        "Years to reach the screening value (P10–P50–P90)"
    )
    shoot(page, "02_comparison_en")
    # the lower part of the page, below the first screen
    page.locator(".ar-fig-money").screenshot(path=str(artifacts / "02_comparison_money_en.png"))
    page.locator("#excluded-table").screenshot(path=str(artifacts / "02_comparison_excluded_en.png"))

    # the strict-control paddy HN-XT-02, where the economics weight decides (on HN-ZZ-01 the VIP+n package is
    # the only option near the compliance target, whatever the weights)
    page.locator(".ar-picker select").first.select_option(label="HN-XT-02")
    best = sample_plan.summary.set_index("plot_id").loc["HN-XT-02"]
    expect(name).to_have_text(best["recommended_name"], timeout=LOAD)
    # weight on economics to 0: the planner then recommends another option
    w = {**agriremed.core.scenario.DEFAULT_WEIGHTS, "economics": 0.0}
    other = agriremed.plan(SAMPLE, agriremed.Scenario(weights=w), progress=False)
    expected = other.summary.set_index("plot_id").loc["HN-XT-02"]
    assert expected["recommended_option"] != best["recommended_option"]
    handle = page.locator(".ar-weight-economics .noUi-handle")
    handle.focus()
    handle.press("Home")
    expect(name).to_have_text(expected["recommended_name"])
    expect(page.locator("#recommendation-sentence")).to_have_text(expected["recommendation"])

    switch_language(page, "zh")
    expect(name).to_have_text(i18n.option_name(expected["recommended_option"], "zh"))
    expect(page.locator("#recommendation-sentence")).to_have_text(
        messages.render(expected["recommendation_msg"], "zh")
    )
    expect(page.locator(".ar-fig-duration .gtitle")).to_have_text("降至筛选值所需年限（P10–P50–P90）")
    expect(page.locator(".ar-fig-money .gtitle")).to_have_text("相对不治理（黑框为推荐方案）")
    top = other.table.query("plot_id == 'HN-XT-02' and applicable").sort_values("rank").iloc[0]
    zh = messages.render(top["why_clean_up_msg"], "zh")
    assert zh != top["why_clean_up"] and i18n.untranslated(zh) == []
    expect(first_light).to_have_attribute("title", zh)
    shoot(page, "02_comparison_zh")
    page.locator(".ar-fig-money").screenshot(path=str(artifacts / "02_comparison_money_zh.png"))
    page.locator("#excluded-table").screenshot(path=str(artifacts / "02_comparison_excluded_zh.png"))

    # the economics view (plan --economics-view farmer): the page states it and marks the column it counts
    settings = page.locator("#scenario-settings")
    expect(settings).to_have_attribute("data-economics-view", "combined")
    page.locator(".ar-economics-view select").first.select_option(label="农户（含所获补贴和补偿）")
    expect(settings).to_have_attribute("data-economics-view", "farmer")
    expect(settings).to_contain_text("排序计入的经济账户：农户（含所获补贴和补偿）")
    expect(page.locator("#options-table th[data-col='npv_farmer_vs_baseline_cny_ha']")).to_contain_text("（计入排序）")
    farmer = agriremed.plan(SAMPLE, agriremed.Scenario(weights=w, economics_view="farmer"), progress=False)
    top = farmer.table.query("plot_id == 'HN-XT-02' and applicable").sort_values("rank").iloc[0]
    expect(name).to_have_text(i18n.option_name(top["option_id"], "zh"))
    expect(page.locator("#recommendation-sentence")).to_have_text(
        messages.render(farmer.summary.set_index("plot_id").loc["HN-XT-02", "recommendation_msg"], "zh"))
    shoot(page, "02_comparison_farmer_zh")


def expect_broken_rows_listed(page, lang):
    """The error table lists exactly the rejected rows of the broken sample, with the planner's reasons."""
    errors = agriremed.validate_plots(BROKEN).errors
    assert errors["input_row"].tolist() == [17, 18]
    rows = page.locator("#errors-table tbody tr")
    expect(rows).to_have_count(len(errors), timeout=LOAD)
    problems = messages.column_texts(errors, "problem", lang)
    for i, e in enumerate(errors.itertuples()):
        expect(rows.nth(i).locator("td[data-col='input_row']")).to_have_text(str(e.input_row))
        expect(rows.nth(i).locator("td[data-col='plot_id']")).to_have_text(e.plot_id)
        expect(rows.nth(i).locator("td[data-col='problem']")).to_have_text(problems[i])
    expect(page.locator("#kpi-valid b")).to_have_text("16", timeout=LOAD)
    return rows


def _download(page, filename, target):
    with page.expect_download() as info:
        page.locator(f".agriremed-download[data-filename='{filename}']").click()
    path = target / filename
    info.value.save_as(path)
    return path


def test_portfolio_upload_errors_and_downloads(watched, voila_url, tmp_path, shoot):
    page = watched
    open_dashboard(page, voila_url, "03_portfolio.ipynb")
    upload(page, BROKEN)
    rows = expect_broken_rows_listed(page, "en")
    expect(rows.nth(1).locator("td[data-col='column']")).to_have_text("Cd, total in soil")
    expect(page.locator("#summary-table tbody tr")).to_have_count(16)
    expect(page.locator(".ar-fig-map .gtitle")).to_have_text("Plots by location")
    shoot(page, "03_portfolio_en")

    report = _download(page, "report.html", tmp_path).read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "HN-ZZ-17" in report and "GS-BY-16" in report
    plan_csv = _download(page, "plan.csv", tmp_path).read_text(encoding="utf-8-sig")
    table = pd.read_csv(io.StringIO(plan_csv))
    assert len(table) == 16 * len(agriremed.load_tables().options) and "HN-ZZ-17" not in set(table["plot_id"])

    switch_language(page, "zh")
    expect(rows.nth(0).locator("td[data-col='problem']")).to_have_text(DECIMAL_COMMA_ZH)
    expect(rows.nth(1).locator("td[data-col='column']")).to_have_text("土壤总镉")
    expect(page.locator(".ar-fig-map .gtitle")).to_have_text("地块位置")
    shoot(page, "03_portfolio_zh")


def test_officer_walkthrough_in_one_page(watched, voila_url, sample_plan, tmp_path, shoot, artifacts):
    """Assess a sample plot, compare its options, switch to 中文, upload the file with two
    broken rows and download the report — in the combined page."""
    page = watched
    open_dashboard(page, voila_url, "00_agriremed.ipynb")
    expect(page.locator("#plot-class")).to_have_attribute("data-class", "safe_utilisation", timeout=LOAD)

    # 1. assess a sample plot picked from the table
    page.locator(".ar-picker select").first.select_option(label="HN-XT-02 — Hunan/Xiangtan/Zhubu")
    expect(page.locator("#plot-class")).to_have_attribute("data-class", "strict_control")
    expect(
        page.locator("#soil-table tbody tr").first.locator("td[data-col='exceedance_ratio']")
    ).to_have_text("6.4")
    shoot(page, "04_walkthrough_1_assess")

    # 2. compare its options
    page.get_by_role("tab", name="2 · Option comparison").click()
    best = sample_plan.summary.set_index("plot_id").loc["HN-XT-02"]
    expect(page.locator("#recommended-name")).to_have_text(best["recommended_name"], timeout=LOAD)
    expect(page.locator("#recommendation-sentence")).to_have_text(best["recommendation"])
    expect(page.locator(".ar-fig-money .gtitle")).to_have_text(
        "Relative to doing nothing (recommended option outlined)"
    )
    shoot(page, "04_walkthrough_2_compare")

    # 3. switch to Chinese
    switch_language(page, "zh")
    expect(page.locator("#recommended-name")).to_have_text(i18n.option_name(best["recommended_option"], "zh"))
    best_zh = messages.column_texts(sample_plan.summary.loc[sample_plan.summary["plot_id"] == "HN-XT-02"],
                                    "recommendation", "zh")[0]
    expect(page.locator("#recommendation-sentence")).to_have_text(best_zh)
    expect(page.locator(".ar-fig-duration .gtitle")).to_have_text("降至筛选值所需年限（P10–P50–P90）")
    expect(page.locator(".ar-fig-money .gtitle")).to_have_text("相对不治理（黑框为推荐方案）")
    shoot(page, "04_walkthrough_3_zh")

    # 4. upload the sample with two broken rows: both listed with reasons, the rest planned
    page.get_by_role("tab", name="3 · 批量地块").click()
    upload(page, BROKEN)
    rows = expect_broken_rows_listed(page, "zh")
    expect(rows.nth(0).locator("td[data-col='problem']")).to_have_text(DECIMAL_COMMA_ZH)
    expect(page.locator(".ar-fig-map .gtitle")).to_have_text("地块位置")
    shoot(page, "04_walkthrough_4_portfolio")

    # 5. download the report: in the page's language (Chinese here)
    report = _download(page, "report.html", tmp_path).read_text(encoding="utf-8")
    assert "HN-ZZ-18" in report and re.search(r"<h2>无法规划的行（\d+）</h2>", report)
    assert "lang='zh-CN'" in report
    (artifacts / "walkthrough_report.html").write_text(report, encoding="utf-8")


def test_portfolio_progress_bar_and_page_stay_live_while_planning(watched, voila_url, tmp_path, shoot):
    """A long portfolio runs in the background: the progress bar moves and the page still answers."""
    page = watched
    base = pd.read_csv(SAMPLE)
    n = 4000
    big = base.sample(n, replace=True, random_state=1).reset_index(drop=True)
    big["plot_id"] = [f"B{i:05d}" for i in range(n)]
    path = tmp_path / "many_plots.csv"
    big.to_csv(path, index=False)

    open_dashboard(page, voila_url, "03_portfolio.ipynb")
    upload(page, path)
    bar = page.locator(".ar-progress")
    expect(bar).to_be_visible(timeout=LOAD)
    # while planning runs, the kernel still answers: the language switch comes back at once
    switch_language(page, "zh")
    expect(page.locator("#status")).to_contain_text(f"正在规划{n}个地块", timeout=20_000)
    assert bar.is_visible(), "planning finished before the page was checked; make the table larger"
    shoot(page, "05_portfolio_planning")
    expect(bar).to_be_hidden(timeout=LOAD)
    expect(page.locator("#status")).to_contain_text(f"已规划{n}个地块")
    expect(page.locator("#summary-table tbody tr")).to_have_count(n, timeout=LOAD)
