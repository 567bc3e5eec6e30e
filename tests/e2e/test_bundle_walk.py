"""The offline bundle on an office PC: from the installed bundle, outside the repository, an
officer with only a browser assesses a typed plot, switches to 中文 and saves the one-page
Chinese sheet; the command line plans the bundled samples in Chinese with sheets and workbook.

Skipped unless ``AGRIREMED_BUNDLE_DIR`` names an unpacked and installed bundle (the folder with
INSTALL.txt and ``agriremed-env``); ``python scripts/bundle_walk.py`` builds, unpacks and
installs one without network and then runs this file. Not part of the default run: building
the bundle takes minutes. Screenshots, PDFs and numbers go to ``test-artifacts/bundle_walk/``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

import agriremed
from agriremed.core import i18n
from agriremed.stages.soil import CLASS_NAMES

from .conftest import _free_port, chromium_path, wait_for_server

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = os.environ.get("AGRIREMED_BUNDLE_DIR")
LOAD = 180_000  # a page: Voila starts a kernel and runs the notebook [ms]
expect.set_options(timeout=60_000)

pytestmark = pytest.mark.skipif(
    not BUNDLE,
    reason="AGRIREMED_BUNDLE_DIR not set (python scripts/bundle_walk.py installs a bundle and sets it)",
)

#: The plot the officer types: a Hunan paddy at pH 5.5 with 0.5 mg/kg Cd. GB 15618-2018 for
#: paddy at pH ≤ 5.5: Cd screening 0.3, intervention 1.5 mg/kg → 0.5 / 0.3 = 1.67 times the
#: screening value, below intervention: safe-utilisation class.
PLOT = {"plot_id": "HN-PC-01", "region": "Hunan/Changsha/Office", "land_use": "paddy", "crop": "rice",
        "area_ha": "0.5", "ph": "5.5", "cd_mg_kg": "0.5"}
A4_PT = (595.3, 841.9)


@pytest.fixture(scope="module")
def bundle() -> Path:
    folder = Path(BUNDLE).resolve()
    assert (folder / "INSTALL.txt").exists(), f"{folder} is not an unpacked bundle (no INSTALL.txt)"
    assert ROOT not in folder.parents, "the bundle must be installed outside the repository"
    return folder


@pytest.fixture(scope="module")
def env_bin(bundle) -> Path:
    b = bundle / "agriremed-env" / ("Scripts" if os.name == "nt" else "bin")
    assert (b / "agriremed").exists() or (b / "agriremed.exe").exists(), f"agriremed not installed in {b}"
    return b


@pytest.fixture(scope="module")
def office_env(env_bin) -> dict[str, str]:
    """The environment of a command on the office PC: the bundle's environment first on PATH,
    nothing of the repository's."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join([str(env_bin), "/usr/bin", "/bin"])
    return env


@pytest.fixture(scope="module")
def out_dir() -> Path:
    d = ROOT / "test-artifacts" / "bundle_walk"
    d.mkdir(parents=True, exist_ok=True)
    return d


def record(out_dir: Path, key: str, value) -> None:
    path = out_dir / "bundle_walk.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False))


def test_installed_package_is_the_bundles(bundle, env_bin, office_env):
    """agriremed, its dashboards and sample tables come from the bundle's environment."""
    code = ("import agriremed, agriremed.apps.dashboards.serve as s; print(agriremed.__file__); "
            "print(s.find_notebooks()); print(s.sample_file('plots.csv'))")
    out = subprocess.run([str(env_bin / "python"), "-c", code], cwd=bundle, env=office_env,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    for line in out[:3]:
        assert Path(line).resolve().is_relative_to(bundle / "agriremed-env"), out
    notebooks = Path(out[1])
    assert sorted(p.name for p in notebooks.glob("*.ipynb")) == [
        "00_agriremed.ipynb", "01_plot_assessment.ipynb", "02_option_comparison.ipynb", "03_portfolio.ipynb"]


@pytest.fixture(scope="module")
def bundle_url(bundle, env_bin, office_env, tmp_path_factory, out_dir):
    """``agriremed dash`` of the bundle's environment, started in the bundle folder."""
    if chromium_path() is None:
        pytest.skip("Chromium not found (see tests/e2e/conftest.py)")
    port = _free_port()
    log = tmp_path_factory.mktemp("dash") / "dash.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([str(env_bin / "agriremed"), "dash", "--port", str(port), "--no-browser"],
                                cwd=bundle, env=office_env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)  # its own group: Voila is stopped with it
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    wait_for_server(url, proc, log, seconds=180)
    record(out_dir, "dash_start_s", round(time.perf_counter() - t0, 1))
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    (out_dir / "dash.log").write_text(log.read_text())


def set_text(page, name, value):
    box = page.locator(f".ar-field-{name} input").first
    box.fill(value)
    box.press("Enter")


def test_officer_assesses_a_plot_and_saves_the_chinese_sheet(watched, bundle_url, out_dir, tmp_path):
    from pypdf import PdfReader

    page = watched
    page.goto(bundle_url + "/", timeout=LOAD)
    expect(page.locator("#dashboard-list a")).to_have_count(4)
    page.screenshot(path=str(out_dir / "1_dashboard_list.png"), full_page=True)

    t0 = time.perf_counter()
    page.goto(f"{bundle_url}/voila/render/00_agriremed.ipynb", timeout=LOAD)
    banner = page.locator("#plot-class")
    expect(banner).to_have_attribute("data-class", "safe_utilisation", timeout=LOAD)  # first sample plot
    record(out_dir, "open_page_s", round(time.perf_counter() - t0, 1))

    # a new plot, typed in
    page.locator(".ar-picker select").first.select_option(label=i18n.t("ui.assess.new_plot", "en"))
    expect(page.locator(".ar-field-plot_id input")).to_have_value("NEW-01")
    for name in ("plot_id", "region", "area_ha", "ph", "cd_mg_kg"):
        set_text(page, name, PLOT[name])
    expect(banner).to_have_attribute("data-class", "safe_utilisation")
    cd = page.locator("#soil-table tbody tr").first
    expect(cd.locator("td[data-col='screening_mg_kg']")).to_have_text("0.3")
    expect(cd.locator("td[data-col='exceedance_ratio']")).to_have_text("1.67")
    page.screenshot(path=str(out_dir / "2_assessment_en.png"), full_page=True)

    # its options, then 中文
    best = agriremed.plan(pd.DataFrame([PLOT]), progress=False).summary.iloc[0]
    page.get_by_role("tab", name="2 · Option comparison").click()
    expect(page.locator("#recommended-name")).to_have_text(best["recommended_name"], timeout=LOAD)
    page.get_by_role("button", name="中文").click()
    expect(page.locator("#recommended-name")).to_have_text(i18n.option_name(best["recommended_option"], "zh"))
    page.screenshot(path=str(out_dir / "3_comparison_zh.png"), full_page=True)

    # "Print / save sheet": the plot's one-page A4 sheet in Chinese
    button = page.locator(f".agriremed-download[data-filename='{PLOT['plot_id']}.pdf']")
    expect(button).to_be_enabled(timeout=LOAD)
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "sheet.pdf"
    info.value.save_as(path)
    (out_dir / f"4_sheet_{PLOT['plot_id']}_zh.pdf").write_bytes(path.read_bytes())
    reader = PdfReader(str(path))
    assert len(reader.pages) == 1, f"the sheet has {len(reader.pages)} pages"
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_PT, abs=1), "not A4"
    text = "".join(reader.pages[0].extract_text().split())
    assert PLOT["plot_id"] in text
    assert CLASS_NAMES["safe_utilisation"][1] in text, "the Chinese class name is not on the sheet"
    assert i18n.option_name(best["recommended_option"], "zh") in text
    record(out_dir, "sheet", {"pages": 1, "plot_id": PLOT["plot_id"],
                              "class_zh": CLASS_NAMES["safe_utilisation"][1]})


def test_command_line_plans_the_bundled_samples_in_chinese(bundle, env_bin, office_env, out_dir):
    """``agriremed plan samples/plots.csv --out out --lang zh --sheets`` in the bundle folder."""
    import shutil

    import openpyxl
    from pypdf import PdfReader

    sample = bundle / "samples" / "plots.csv"
    assert sample.exists(), "the bundle carries no samples/plots.csv"
    out = bundle / "out"
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run([str(env_bin / "agriremed"), "plan", "samples/plots.csv", "--out", "out", "--lang", "zh",
                    "--sheets", "--quiet"], cwd=bundle, env=office_env, check=True)
    record(out_dir, "cli_plan_zh_sheets_s", round(time.perf_counter() - t0, 1))
    ids = pd.read_csv(sample, dtype=str)["plot_id"]
    assert len(ids) == 16
    sheets = sorted((out / "sheets").glob("*.pdf"))
    assert {p.stem for p in sheets} >= set(ids)
    for pid in ids:
        reader = PdfReader(str(out / "sheets" / f"{pid}.pdf"))
        assert len(reader.pages) == 1 and pid in reader.pages[0].extract_text()
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "lang='zh-CN'" in report and CLASS_NAMES["safe_utilisation"][1] in report
    book = openpyxl.load_workbook(out / "plan.xlsx", read_only=True)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(book.sheetnames))
    shutil.copy(out / "report.html", out_dir / "5_cli_report_zh.html")
    shutil.copy(out / "sheets" / f"{ids[0]}.pdf", out_dir / f"5_cli_sheet_{ids[0]}_zh.pdf")
    record(out_dir, "cli", {"sheets": len(sheets), "report_html": True, "plan_xlsx": True})
