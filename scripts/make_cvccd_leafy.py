"""Derive data/validation/cvccd_leafy_cd.csv from the CVCCD workbook (run by hand, not in CI).

Usage: python scripts/make_cvccd_leafy.py "<path to the CVCCD .xlsx>"

The workbook is "Comprehensive Database of Cadmium Pollution in Chinese Vegetables and Human
Health Risks.xlsx" of the public GitHub repository RaySinclair01/CVCCD-Database (MIT licence,
commit 4532a32). Kept: rows of the "Leaf Vegetables" category with soil pH, SOM and CEC
reported (the inputs of the leafy-vegetable transfer functions); the columns are renamed,
SOM stays in g/kg as published, and nothing else is changed. The crop code is the agriremed
crop the vegetable maps to (blank where none).
"""

import sys
from pathlib import Path

import pandas as pd

CROP_OF = {"Pakchoi": "pak_choi", "Shanghai Bok Choy": "pak_choi", "Baby Bok Choy": "pak_choi",
           "Lettuce": "lettuce", "Purple Leaf Lettuce": "lettuce", "Cabbage": "cabbage", "Green Cabbage": "cabbage"}


def main(path: str) -> None:
    d = pd.read_excel(path, engine="openpyxl")
    d = d.loc[(d["Major Veg Category"] == "Leaf Vegetables") & d[["pH", "SOM", "CEC"]].notna().all(axis=1)]
    out = pd.DataFrame({
        "cvccd_id": d["ID"].astype(int),
        "province": d["Province"],
        "vegetable": d["Specific Veg Type"],
        "crop": d["Specific Veg Type"].map(CROP_OF).fillna(""),
        "year": d["Year"],
        "soil_cd_mg_kg": d["Soil Cadmium (mg/kg)"],
        "veg_cd_mg_kg": d["Vegetable Cadmium (mg/kg)"],
        "ph": d["pH"],
        "som_g_kg": d["SOM"],
        "cec_cmol_kg": d["CEC"],
        "article": d["Article Title"].astype(str).str.slice(0, 80),
    })
    dest = Path(__file__).resolve().parents[1] / "data" / "validation" / "cvccd_leafy_cd.csv"
    out.to_csv(dest, index=False, float_format="%.6g")
    print(f"wrote {dest}: {len(out)} rows")


if __name__ == "__main__":
    main(sys.argv[1])
