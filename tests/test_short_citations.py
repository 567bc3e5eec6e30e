"""Sources are cited by short citations, never by their keys: every row of sources.csv has one (English and
Chinese), and the plot sheets, the report and the planner's sentences of the 16 sample plots (and of policy-panel
plots with cautions and compensation lines) show no source key, in English and in Chinese."""

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

import agriremed
from sheettext import sheet_text
from agriremed.core import messages
from agriremed.core import columns as C
from agriremed.core.tables import load_tables

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "src" / "agriremed" / "data" / "sources.csv"
#: The shape of a source key in a text (arabi2021_as, nbs2023_yield) and the whole token it starts.
KEY_TOKEN = re.compile(r"(?<![A-Za-z0-9_])[a-z]+[0-9]{4}_\w*")
NUMBER = re.compile(r"\d+")


def _rows():
    with SOURCES.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _key_re():
    """Every key of sources.csv that is not an ordinary word (it holds ``_`` or a digit), as a token."""
    keys = sorted((r["key"] for r in _rows() if re.search(r"[_\d]", r["key"])), key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, keys)) + r")(?![A-Za-z0-9_])")


def test_every_source_has_a_short_citation_in_both_languages():
    from agriremed.core import citations

    rows = _rows()
    assert len(rows) == len(load_tables().sources) > 250  # every row read, none lost to quoting
    for r in rows:
        en, zh = r["short_cite"].strip(), (r["short_cite_zh"].strip() or r["short_cite"].strip())
        assert en and zh, r["key"]
        assert r["key"] not in (en, zh) or not re.search(r"[_\d]", r["key"]), r["key"]
        assert not KEY_TOKEN.search(en) and not KEY_TOKEN.search(zh), r["key"]
        # the Chinese citation keeps every number of the English one (years, 文号)
        assert sorted(NUMBER.findall(en)) == sorted(NUMBER.findall(zh)), r["key"]
    t = load_tables()
    got = {k: (citations.short_cite(k, "en", t), citations.short_cite(k, "zh", t)) for k in (
        "arabi2021_as", "mee2018_gb15618", "samr2025_gb2762", "cn_nonfarm2020", "cn_soil_law2018",
        "agriremed_assumption", "nbs2023_yield", "tang2023_oil_rotation")}
    assert got == {
        "arabi2021_as": ("Arabi et al. 2021", "Arabi 等 2021"),
        "mee2018_gb15618": ("GB 15618—2018", "GB 15618—2018"),
        "samr2025_gb2762": ("GB 2762—2025", "GB 2762—2025"),
        "cn_nonfarm2020": ("国办发明电〔2020〕24号", "国办发明电〔2020〕24号"),
        "cn_soil_law2018": ("Soil Pollution Prevention and Control Law", "《土壤污染防治法》"),
        "agriremed_assumption": ("project assumption", "本工具假设"),
        "nbs2023_yield": ("National Bureau of Statistics of China 2024", "国家统计局 2024"),
        "tang2023_oil_rotation": ("唐云鹏 et al. 2023", "唐云鹏等 2023"),
    }
    assert citations.short_cites("nbs2023_yield;ndrc2024_grain_price; agriremed_assumption", "zh", t) == \
        "国家统计局 2024；国家发展改革委 2024；本工具假设"


def test_a_source_without_a_short_citation_is_cited_by_its_authors_and_year_or_title():
    from agriremed.core import citations

    t = load_tables()
    extra = pd.DataFrame([
        {"key": "smith2020_county", "citation": "Smith J., Wang L. (2020) Cd in county rice. J. X 1:1.", "year": "2020",
         "doi_or_url": "", "status": "user"},
        {"key": "county2024_survey", "citation": "County soil survey of 2024: 120 paddies, Cd and pH.",
         "year": "2024", "doi_or_url": "", "status": "user"}])
    u = t.replace(sources=pd.concat([t.sources, extra], ignore_index=True))
    assert citations.short_cites("smith2020_county;county2024_survey", "en", u) == \
        "Smith & Wang 2020; County soil survey of 2024"
    assert citations.short_cite("smith2020_county", "zh", u) == "Smith 和 Wang 2020"


@pytest.fixture(scope="module")
def sample_plan():
    return agriremed.plan(ROOT / "data" / "samples" / "plots.csv", progress=False)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sample_sheets_and_sentences_show_no_source_key(sample_plan, lang):
    keys = _key_re()
    ids = sample_plan.summary["plot_id"].tolist()
    assert len(ids) == 16
    seen = {}
    for pid in ids:
        text = sheet_text(sample_plan, pid, lang)
        seen[pid] = keys.findall(text) + KEY_TOKEN.findall(text)
    assert seen == {pid: [] for pid in ids}
    # the planner's sentences: recommendations, the compensation basis and every option's reason
    s, t = sample_plan.summary, sample_plan.table
    texts = [*messages.column_texts(s, "recommendation", lang, sample_plan.tables),
             *messages.column_texts(t, "reason", lang, sample_plan.tables)]
    if "compensation_basis" in s:
        texts += list(s["compensation_basis"].fillna(""))
    assert [x for x in texts if keys.search(x) or KEY_TOKEN.search(x)] == []
    # the sheets of the strict-control paddies name the sources of the lost income by their short citations
    hx = sheet_text(sample_plan, "HN-XT-02", lang)
    cited = ("sources: National Bureau of Statistics of China 2024; NDRC 2024; project assumption" if lang == "en"
             else "来源：国家统计局2024；国家发展改革委2024；本工具假设")
    assert cited.replace(" ", "") in hx.replace(" ", "")  # the PDF text may lose a space at a line break


def _report_tokens(plan, lang):
    """Key-shaped tokens of the report (all of its HTML, hover texts of the charts included) that are not
    the column names it documents, transfer-function ids (named in the uptake section so a county can find
    its own fit) or rows of uptake_slopes.csv named with their file in a provenance note."""
    from agriremed.io.report import report_html

    doc = report_html(plan, lang=lang, date="2026-12-07")
    t = plan.tables
    allowed = set(C.COLUMNS) | set(t.transfer_functions["function_id"]) | set(t.uptake_slopes.iloc[:, 0])
    tokens = [m.group(0) for m in KEY_TOKEN.finditer(doc)]
    return doc, sorted({x for x in tokens if x not in allowed})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sample_report_shows_no_source_key(sample_plan, lang):
    doc, tokens = _report_tokens(sample_plan, lang)
    assert tokens == []
    assert _key_re().findall(doc) == []
    # the bibliography lists each source by its short citation beside its full citation
    cite = "Arabi et al. 2021" if lang == "en" else "Arabi 等 2021"
    assert f"<td>{cite}</td><td class='long'>Arabi et al. (2021) Meta-analysis of biochar effects" in doc
    # the carbon ledger's sources too (IPCC 2019 for the biochar and soil-carbon terms)
    assert "<td>IPCC 2019</td>" in doc


PANEL_DEFAULTS = {"area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
                  "annual_rain_mm": 1300.0, "mean_temp_c": 17.0}
#: Policy-panel plots whose sheets carry a caution with sources (lime on acid leafy-vegetable land), the
#: lost income of a strict-control paddy, an As paddy and a light-Cd paddy.
PANEL_PLOTS = {
    "vegetable_light_cd": {"land_use": "vegetable", "crop": "pak_choi", "ph": 5.2, "cd_mg_kg": 0.5,
                           "basic_farmland": "no", "region": "Hunan/Changsha"},
    "pb_paddy_smelter_strict": {"land_use": "paddy", "crop": "rice", "ph": 5.6, "pb_mg_kg": 800.0,
                                "cd_mg_kg": 0.25, "basic_farmland": "yes", "region": "Hunan/Zhuzhou"},
    "as_paddy": {"land_use": "paddy", "crop": "rice", "ph": 6.0, "as_mg_kg": 55.0, "cd_mg_kg": 0.25,
                 "basic_farmland": "no", "region": "Hunan/Changde"},
    "cd_light_acid_paddy": {"land_use": "paddy", "crop": "rice", "ph": 5.3, "cd_mg_kg": 0.45,
                            "basic_farmland": "是", "region": "Hunan/Zhuzhou"},
}


@pytest.fixture(scope="module")
def panel_plan():
    plots = pd.DataFrame([{**PANEL_DEFAULTS, "plot_id": k, **v} for k, v in PANEL_PLOTS.items()])
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_policy_panel_sheets_show_no_source_key(panel_plan, lang):
    keys = _key_re()
    got = {pid: keys.findall(t) + KEY_TOKEN.findall(t)
           for pid in PANEL_PLOTS for t in [sheet_text(panel_plan, pid, lang)]}
    assert got == {pid: [] for pid in PANEL_PLOTS}
    veg = sheet_text(panel_plan, "vegetable_light_cd", lang).replace(" ", "")
    # the lime caution cites its field trial and pot trial by author and year
    assert ("(Lietal.2021(yearunconfirmed);Zhaoetal.2008)" if lang == "en"
            else "（Li等2021（年份未确认）；Zhao等2008）") in veg
