"""Figure builders return complete figures built from the plan tables."""

import numpy as np
import pytest

import agriremed
from agriremed.io import viz


@pytest.fixture(scope="module")
def plan(sample_plots_path):
    return agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=50, seed=3))


def test_duration_fan_has_a_band_and_a_median_per_option(plan):
    f = viz.duration_fan(plan.trajectories, "HN-ZZ-01")
    n_opt = plan.trajectories.query("plot_id == 'HN-ZZ-01'")["option_id"].nunique()
    assert len(f.data) == 2 * n_opt
    assert f.layout.yaxis.title.text.startswith("Cd ")


def test_npv_over_time_ends_at_the_npv(plan):
    f = viz.npv_over_time(plan.yearly_cash_flows(["HN-ZZ-01"]), "HN-ZZ-01", plan.scenario.discount_rate)
    t = plan.table.set_index(["plot_id", "option_id"])
    for tr in f.data:
        npv = t.loc[("HN-ZZ-01", tr.name), "npv_vs_baseline_cny_ha"]
        assert tr.y[-1] == pytest.approx(npv, rel=1e-9, abs=1e-6)


def test_score_table_and_tornado_figures(plan):
    f = viz.score_table_figure(plan.scores, "HN-ZZ-01")
    n = int(plan.table.query("plot_id == 'HN-ZZ-01'")["applicable"].sum())
    assert len(f.data[0].cells.values[0]) == n
    import pandas as pd

    sens = pd.DataFrame({"parameter": ["a", "b"], "unit": ["1", "1"], "low": [1, 2], "high": [3, 4],
                         "output_at_low": [5.0, 9.0], "output_at_high": [15.0, 11.0], "base": [10.0, 10.0],
                         "swing": [10.0, 2.0]})
    sens.attrs.update(plot_id="P", option_id="o", output="years_to_target")
    f = viz.tornado_plot(sens)
    assert np.allclose(f.data[0].x, [-1.0, -5.0]) and np.allclose(f.data[1].x, [1.0, 5.0])
