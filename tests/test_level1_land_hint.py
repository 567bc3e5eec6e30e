"""The hint of a level-1 land class names its own level-2 classes and how each is read: 其他土地 (12) lists
设施农用地 1202, 盐碱地 1204, 沙地 1205 and 裸土地 1206, not the classes of 耕地."""

import io

import pandas as pd
import pytest

from agriremed.core import messages
from agriremed.io.validate import validate_plots

TEXT = "plot_id,land_use,crop,area_ha,ph,cd_mg_kg\nA,{lu},rice,0.5,5.4,0.8\n"

EN = {
    "其他土地": "其他土地 (12) is a level-1 class of the land-use classification (GB/T 21010 / 三调) holding classes "
            "planned differently: give the level-2 class (设施农用地 1202: not planned as such, give the land use of "
            "the field under cover, 菜地 for vegetables or 果园 for fruit; 盐碱地 1204: read as marginal land; "
            "沙地 1205: read as marginal land; 裸土地 1206: read as marginal land)",
    "耕地": "耕地 (01) is a level-1 class of the land-use classification (GB/T 21010 / 三调) holding classes planned "
          "differently: give the level-2 class (水田 0101: read as paddy; 水浇地 0102: read as upland; 旱地 0103: "
          "read as upland)"}
ZH = {
    "其他土地": "其他土地（12）是土地利用现状分类（GB/T 21010 / 三调）的一级类，所含二级类规划方式不同：请填写二级类"
            "（设施农用地1202：不按此类规划，请填写设施内地块的土地利用类型（蔬菜填菜地，水果填果园）；盐碱地1204：按边际土地规划；"
            "沙地1205：按边际土地规划；裸土地1206：按边际土地规划）",
    "耕地": "耕地（01）是土地利用现状分类（GB/T 21010 / 三调）的一级类，所含二级类规划方式不同：请填写二级类"
          "（水田0101：按水田规划；水浇地0102：按旱地规划；旱地0103：按旱地规划）"}


@pytest.mark.parametrize("lu", ["其他土地", "耕地"])
def test_level1_hint_lists_its_own_level2_classes(lu):
    v = validate_plots(pd.read_csv(io.StringIO(TEXT.format(lu=lu)), dtype=str))
    e = v.problems.loc[v.problems["column"].eq("land_use") & v.problems["severity"].eq("error")]
    assert e["problem"].tolist() == [EN[lu]]
    assert messages.column_texts(e, "problem", "zh").tolist() == [ZH[lu]]
    if lu == "其他土地":
        assert "水田 0101" not in e["problem"].iloc[0]
