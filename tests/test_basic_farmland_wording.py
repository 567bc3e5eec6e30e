"""Basic-farmland cells in the wording of county sheets: a flag with a bracketed qualifier ('是（永久基本农田）',
full- or half-width brackets) and 一般耕地 (general cultivated land: not basic farmland) are read, so the
basic-farmland rules (no trees or grass) apply as with '是'."""

import io

import pandas as pd
import pytest

import agriremed
from agriremed.io.validate import validate_plots

F = """地块编号,县,土地利用类型,作物,面积（亩）,pH,镉(mg/kg),铅(mg/kg),砷(mg/kg),是否基本农田,容重(g/cm3),耕层厚度(cm)
F04,湖南省湘潭市湘潭县,水田,水稻,2,5.2,2.20,80,15,{bf},1.12,20
"""


@pytest.mark.parametrize("cell, flag", [
    ("是（永久基本农田）", "yes"), ("是(永久基本农田)", "yes"), ("是 (永久基本农田)", "yes"), ("是（基本农田）", "yes"),
    ("是(基本农田)", "yes"), ("永久基本农田", "yes"), ("基本农田", "yes"),
    ("一般耕地", "no"), ("非基本农田", "no"), ("否（一般耕地）", "no"), ("否(一般耕地)", "no"),
    ("是（一般耕地）", None), ("否（永久基本农田）", None), ("是（待核实）", None)])
def test_flag_with_a_bracketed_qualifier(cell, flag):
    from agriremed.io.validate import basic_farmland_flag

    assert basic_farmland_flag(cell) == flag


def test_cells_of_one_sheet_read_with_a_note():
    cells = ["是（永久基本农田）", "是(基本农田)", "一般耕地", "否（一般耕地）", "非基本农田"]
    text = F.splitlines()[0] + "\n" + "\n".join(
        F.splitlines()[1].replace("F04", f"F{i}").replace("{bf}", c) for i, c in enumerate(cells)) + "\n"
    v = validate_plots(pd.read_csv(io.StringIO(text), dtype=str))
    assert v.plots["basic_farmland"].tolist() == ["yes", "yes", "no", "no", "no"]
    bf = v.problems.loc[v.problems["column"].eq("basic_farmland") & v.problems["input_row"].notna()]
    assert bf["problem"].tolist() == ["read as yes", "read as yes", "read as no", "read as no", "read as no"]


def test_f04_permanent_basic_farmland_forbids_trees_and_grass_as_yes_does():
    status = {}
    for bf in ("是（永久基本农田）", "是"):
        v = validate_plots(pd.read_csv(io.StringIO(F.replace("{bf}", bf)), dtype=str))
        p = agriremed.plan(v, agriremed.Scenario(mc_draws=0))
        t = p.table.set_index("option_id")
        status[bf] = t.loc[["willow_src", "poplar_src", "miscanthus"], "policy_rule"].tolist()
        assert (t.loc[["willow_src", "poplar_src", "miscanthus"], "policy_status"] == "forbidden").all()
    assert status["是（永久基本农田）"] == status["是"] == ["cn_bf_no_trees", "cn_bf_no_trees", "cn_bf_no_grass"]
