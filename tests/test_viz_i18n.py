"""Chinese figures name options, soil classes and criteria in Chinese (no option ids, no English)."""

import re

import pytest

import agriremed
from agriremed.core import i18n
from agriremed.io import viz
from agriremed.core.tables import load_tables


@pytest.fixture(scope="module")
def plan(sample_plots_path):
    return agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=20, seed=3))


def _texts(fig) -> list[str]:
    """Trace names, category labels, table texts, axis titles and the title of a figure."""
    out = [fig.layout.title.text or ""]
    for ax in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3", "xaxis4", "yaxis4"):
        a = getattr(fig.layout, ax, None)
        if a is not None and a.title is not None and a.title.text:
            out.append(a.title.text)
        if a is not None and a.categoryarray is not None:
            out += [str(v) for v in a.categoryarray]
    for tr in fig.data:
        if getattr(tr, "name", None):
            out.append(tr.name)
        if tr.type == "bar":
            cats = tr.y if tr.orientation == "h" else tr.x
            out += [str(v) for v in (cats if cats is not None else []) if isinstance(v, str)]
        if tr.type == "table":
            out += [str(v) for v in tr.header.values] + [str(v) for v in tr.cells.values[0]]
        hover = getattr(tr, "hovertemplate", None)
        if hover is None and getattr(tr, "link", None) is not None:
            hover = tr.link.hovertemplate
        if hover:  # its words and units, without the %{…} fields and the tags
            out.append(re.sub(r"<[^>]*>|%\{[^}]*\}", " ", hover))
    return out


def _figures(plan, lang):
    t, plot = plan.table, "HN-ZZ-01"
    rec = t.loc[t["recommended"] & (t["plot_id"] == plot)].iloc[0]
    return {
        "exceedance_heatmap": viz.exceedance_heatmap(plan.soil, lang),
        "recommendation_overview": viz.recommendation_overview(plan.summary, lang),
        "recommendation_overview_mu": viz.recommendation_overview(plan.summary, lang, area_unit="mu"),
        "duration_ranges": viz.duration_ranges(t, lang),
        "npv_vs_carbon": viz.npv_vs_carbon(t, lang),
        "option_scores": viz.option_scores(t, plot, lang),
        "biomass_energy_by_option": viz.biomass_energy_by_option(t, lang),
        "carbon_waterfall": viz.carbon_waterfall(plan.carbon_ledger, plot, rec["option_id"], lang),
        "carbon_vs_duration": viz.carbon_vs_duration(t, lang),
        "cumulative_carbon": viz.cumulative_carbon(plan.carbon_by_year, plot, lang),
        "duration_fan": viz.duration_fan(plan.trajectories, plot, lang=lang),
        "npv_over_time": viz.npv_over_time(plan.yearly_cash_flows([plot]), plot, plan.scenario.discount_rate,
                                           lang=lang),
        "score_table_figure": viz.score_table_figure(plan.scores, plot, lang=lang),
    }


def test_chinese_figures_have_no_option_ids_or_english_words(plan):
    opts = load_tables().options
    ids = set(opts["option_id"])
    english = set(opts["name_en"])
    id_word = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")
    plots = sorted(plan.summary["plot_id"].astype(str), key=len, reverse=True)
    for name, fig in _figures(plan, "zh").items():
        texts = _texts(fig)
        assert texts, name
        for text in texts:
            assert not (set(id_word.findall(text)) & ids), (name, text)
            assert not [e for e in english if e in text], (name, text)
            for plot_id in plots:  # plot ids are the user's, shown as they are
                text = text.replace(plot_id, "")
            assert i18n.untranslated(text) == [], (name, text)


def test_chinese_hovers_and_axes_write_words_and_units_in_chinese(plan):
    """No ``× screening value``, ``yr``, ``CNY/ha``, ``t CO2e/ha/yr`` or ``[ha]`` in a Chinese figure's
    hovers and axis titles: the units are those of the unit table in Chinese."""
    figs = _figures(plan, "zh")
    hovers = {name: [getattr(tr, "hovertemplate", None) or "" for tr in f.data] for name, f in figs.items()}
    for name, texts in hovers.items():
        for h in texts:
            for en in ("screening value", " yr", "CNY", "CO2e/", "plot ", "year ", "range ", " ha"):
                assert en not in h, (name, h)
    assert "地块 %{y}<br>%{x}: %{text} × 筛选值<extra></extra>" in hovers["exceedance_heatmap"]
    assert any(h.startswith("%{text}<br>%{x:.2f} 吨CO₂当量/公顷/年<br>%{y:,.0f} 元/公顷") for h in hovers["npv_vs_carbon"])
    assert all(h.endswith(" 年<extra>%{fullData.name}</extra>") for h in hovers["duration_ranges"])
    assert figs["npv_vs_carbon"].layout.yaxis.title.text == "相对不治理的净现值 [元/公顷]"
    assert figs["duration_ranges"].layout.yaxis.title.text == "达标年限P50 [年]"
    assert figs["recommendation_overview"].layout.yaxis.title.text == "面积 [公顷]"


def test_overview_in_mu_draws_the_area_in_mu_with_hectares_in_the_hover(plan):
    from agriremed.stages.advice import ha_per_mu

    ha = viz.recommendation_overview(plan.summary, "zh")
    mu = viz.recommendation_overview(plan.summary, "zh", area_unit="mu")
    assert mu.layout.yaxis.title.text == "面积 [亩]"
    assert ha_per_mu() == pytest.approx(1 / 15)
    for a, b in zip(ha.data, mu.data, strict=True):
        assert list(b.y) == pytest.approx([v * 15 for v in a.y], rel=1e-12)
        assert list(b.customdata) == pytest.approx(list(a.y), rel=1e-12)
        assert b.hovertemplate == "%{x}<br>%{y:,.1f} 亩（%{customdata:,.2f} 公顷）<extra>%{fullData.name}</extra>"
    en = viz.recommendation_overview(plan.summary, "en", area_unit="mu")
    assert en.layout.yaxis.title.text == "Area [mu]" and "mu (%{customdata:,.2f} ha)" in en.data[0].hovertemplate


def test_chinese_figures_name_the_options_of_the_plot_in_chinese(plan):
    t = plan.table
    plot = "HN-ZZ-01"
    applicable = t.loc[(t["plot_id"] == plot) & t["applicable"], "option_id"]
    zh = {i18n.option_name(o, "zh") for o in applicable}
    assert all(n != o for n, o in zip(zh, applicable, strict=False))  # every option has a Chinese name
    f = viz.option_scores(t, plot, "zh")
    assert set(f.data[0].y) == zh
    f = viz.score_table_figure(plan.scores, plot, lang="zh")
    assert set(f.data[0].cells.values[0]) == zh
    crits = dict.fromkeys(plan.scores.query("plot_id == @plot")["criterion"])
    assert list(f.data[0].header.values[1:-1]) == [i18n.value("criterion", c, "zh") for c in crits]
    # the fan of the plot draws one named line per option it tracks, in Chinese
    fan = viz.duration_fan(plan.trajectories, plot, lang="zh")
    tracked = plan.trajectories.query("plot_id == @plot")["option_id"].unique()
    assert {tr.name for tr in fan.data if tr.name} == {i18n.option_name(o, "zh") for o in tracked}


def test_overview_translates_soil_classes_and_keeps_areas(plan):
    f = viz.recommendation_overview(plan.summary, "zh")
    classes = {"优先保护类", "安全利用类", "严格管控类"}
    for tr in f.data:
        assert set(tr.x) <= classes
    total = sum(float(sum(tr.y)) for tr in f.data)
    assert total == pytest.approx(float(plan.summary["area_ha"].sum()), rel=1e-12)
    assert list(f.layout.xaxis.categoryarray) == ["优先保护类", "安全利用类", "严格管控类"]


def test_english_figures_keep_their_names(plan):
    f = viz.npv_over_time(plan.yearly_cash_flows(["HN-ZZ-01"]), "HN-ZZ-01", plan.scenario.discount_rate)
    assert {tr.name for tr in f.data} <= set(plan.table["option_id"])
    f = viz.option_scores(plan.table, "HN-ZZ-01", "en")
    assert set(f.data[0].y) <= set(plan.table["option_name"])
