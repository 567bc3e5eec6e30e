"""Names of the carbon-accounting methods a scenario chooses among.

The ledger (:mod:`agriremed.stages.carbon`) implements them; the scenario checks a choice against these
names without importing the ledger.
"""

from __future__ import annotations

__all__ = ["BIOCHAR_METHODS", "N_METHODS", "RICE_WATER_REGIMES", "RICE_PRESEASON", "RICE_AMENDMENTS",
           "GWP_SETS", "CREDIT_METHODS"]

#: Biochar persistence methods: name → (horizon in years, description).
BIOCHAR_METHODS: dict[str, tuple[int, str]] = {
    "ipcc2019": (100, "IPCC 2019 App. 4: M·F_C·F_perm"),
    "puro2025": (200, "Puro 2025: M·F_C·(M − a·H/Corg) at the soil temperature"),
    "ebc2020": (100, "EBC 2020 (legacy, superseded by the Global Biochar C-Sink standard): "
                     "M·F_C·(1 − 0.003)^100"),
}

#: Nitrogen-fertiliser accounting methods.
N_METHODS = ("ipcc_split", "full_chain")

#: Water regimes of rice during the season (IPCC 2019 Table 5.12; ``sfw`` rows of ``paddy_ch4.csv``).
RICE_WATER_REGIMES = ("continuous_flooding", "single_drainage", "multiple_drainage", "regular_rainfed",
                      "upland")
#: Pre-season water regimes (Table 5.13; ``sfp`` rows).
RICE_PRESEASON = ("non_flooded_lt180", "non_flooded_gt180", "flooded_gt30", "non_flooded_gt365")
#: Organic amendments of rice (Table 5.14; ``cfoa`` rows): straw in t DM ha⁻¹, the others fresh weight.
RICE_AMENDMENTS = ("straw_short", "straw_long", "compost", "farmyard_manure", "green_manure")
#: GWP100 sets of ``gwp.csv``.
GWP_SETS = ("ar6", "ar5")
#: Carbon-credit methods of ``carbon_credit_terms.csv`` (which ledger terms may be sold).
CREDIT_METHODS = ("land_based", "all_terms")
