"""A county's own maize grain Cd fit, stricter than the packaged default, for tests of ranking and policy rules.

Rule tests that need a maize switch near or below the compliance target (a switch that misses the target,
leaves the crop less Cd-safe than the current one, or is judged by a documented over-prediction) use these
tables, so that a recalibration of the packaged default does not move them. The coefficients are those of the
default before its survey calibration (log10 C = −0.2399 + 0.4305·log10 Cd_soil − 0.142·min(pH, 8), se 0.722);
the rows keep their ``known_bias`` (``over_predicts``), as a user's table would copy them.
"""

from __future__ import annotations

from functools import lru_cache

from agriremed.core.tables import Tables, load_tables

STRICT_MAIZE_TERMS = {"synth_maize_cd_ph": "const:-0.2399|log10(soil):0.4305|ph:-0.142",
                      "synth_maize_cd_ph_alkaline": "const:-1.3759|log10(soil):0.4305"}
STRICT_MAIZE_SE = 0.722


@lru_cache(maxsize=1)
def stricter_maize_tables() -> Tables:
    """The packaged tables with the maize Cd default replaced by the stricter fit."""
    t = load_tables()
    tf = t.transfer_functions.copy()
    for fid, terms in STRICT_MAIZE_TERMS.items():
        tf.loc[tf["function_id"] == fid, "terms"] = terms
        tf.loc[tf["function_id"] == fid, "se_log10"] = STRICT_MAIZE_SE
    return t.replace(transfer_functions=tf)
