"""Pb functions read only in abstracts are kept as documentation (usable = false): their rows hold
the printed coefficients, the hand values that show why they are not used, and Pb stays not assessed."""

import math

import pandas as pd
import pytest

from agriremed.stages import uptake


def test_rows_hold_the_printed_coefficients_and_are_not_used(tables):
    tf = tables.transfer_functions.set_index("function_id", drop=False)
    li, xu = tf.loc["li2014_maize_pb"], tf.loc["xu2018_pakchoi_pb"]
    assert not li["usable"] and not xu["usable"]
    assert dict((v, c) for v, _, c in uptake.parse_terms(li["terms"])) == {
        "const": -1.894, "ph": -0.098, "som_pct": -0.150, "soil": 1.0}
    assert dict((v, c) for v, _, c in uptake.parse_terms(xu["terms"])) == {
        "const": 1.92, "soil": 1.14, "ph": -0.19, "oc_g_kg": -0.63}
    plots = pd.DataFrame({"plot_id": ["a", "b"], "crop": ["maize", "maize"], "ph": [5.0, 8.0],
                          "som_pct": [2.5, 2.5], "pb_mg_kg": [50.0, 50.0]})
    # log BCF = −0.098 pH − 0.150 log10 OM − 1.894 at Pb 50 mg/kg, OM 2.5 %
    hand = [50 * 10 ** (-0.098 * ph - 0.150 * math.log10(2.5) - 1.894) for ph in (5.0, 8.0)]
    assert uptake.evaluate_function(li, plots) == pytest.approx(hand)
    assert hand == pytest.approx([0.180, 0.0915], abs=5e-4)
    # the pak choi equation as printed: 40–150 mg/kg at Pb 50, OC 14.5 g/kg, pH 8–5 (limit 0.3)
    xu_hand = [10 ** (1.92 + 1.14 * math.log10(50) - 0.19 * ph - 0.63 * math.log10(14.5)) for ph in (5.0, 8.0)]
    assert xu_hand == pytest.approx([149.7, 40.3], abs=0.1)
    assert "130–500 times" in xu["note"]
    pred, miss = uptake.predict_and_unassessed(plots, metals=["pb"], tables=tables)
    assert pred.empty and (miss["reason"] == "no usable transfer function for Pb in any crop").all()
