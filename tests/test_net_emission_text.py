"""A net emission is said as emissions added (never a negative "benefit"); measured values keep
the decimal a lab report prints."""
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def zz01(sample_plots_path):
    import agriremed

    plots = pd.read_csv(sample_plots_path)
    return agriremed.plan(plots.loc[plots["plot_id"] == "HN-ZZ-01"], agriremed.Scenario(mc_draws=0))


def test_a_net_emission_is_said_as_emissions_added(zz01):
    from agriremed.core import messages

    co2 = float(zz01.summary["net_co2e_vs_baseline_t_ha_yr"].iat[0])
    assert co2 < -0.05                                   # the VIP+n package's lime CO2 outweighs its gains
    en = messages.column_texts(zz01.summary, "recommendation", "en")[0]
    zh = messages.column_texts(zz01.summary, "recommendation", "zh")[0]
    assert f", {-co2:.1f} t CO2e/ha/yr more emitted" in en
    assert f"年净增加排放{-co2:.1f}吨CO₂当量/公顷（相对不治理）" in zh
    assert "年净碳效益-" not in zh and f"{co2:+.1f} t CO2e" not in en


def test_measured_values_keep_one_decimal():
    from agriremed.stages.advice import measured_text  # the sheet uses the one of core.messages

    assert [measured_text(x) for x in (5.0, 6.5, 0.45, 2.0, 0.05, 12.0, 900.0)] == [
        "5.0", "6.5", "0.45", "2.0", "0.05", "12", "900"]


def test_the_boundary_note_prints_the_measured_value_with_its_decimal():
    from agriremed.core import messages

    m = messages.Message.of("rec.near_class_boundary", metal="cd", value=2.0, kind="intervention", limit=1.5,
                            low=1.33, high=3.0, other="safe_utilisation")
    assert "Cd at 2.0 mg/kg" in messages.render(m, "en")
    assert "镉含量2.0 mg/kg" in messages.render(m, "zh")
