"""Kernel modules of the biomass, energy, carbon and solar families: the stage modules re-export the
same functions, the kernels import no stage, and they compute hand-checked numbers on their own."""

import ast
import importlib.util
import inspect

import numpy as np
import pytest

from agriremed import biomass, carbon, energy, solar
from agriremed import kernels_biomass, kernels_carbon, kernels_energy, kernels_solar

PAIRS = [(biomass, kernels_biomass), (energy, kernels_energy), (carbon, kernels_carbon), (solar, kernels_solar)]

#: Modules a kernel may not import: the stages, the engine and the io modules that adapt them.
NOT_BELOW_KERNELS = {
    "agriremed.soil", "agriremed.uptake", "agriremed.options", "agriremed.duration", "agriremed.biomass",
    "agriremed.energy", "agriremed.carbon", "agriremed.economics", "agriremed.ranking", "agriremed.advice",
    "agriremed.solar", "agriremed.softreuse", "agriremed.plan", "agriremed.stream", "agriremed.io",
    "agriremed.validate", "agriremed.report", "agriremed.cli",
}


@pytest.mark.parametrize(("stage", "kernel"), PAIRS, ids=lambda m: m.__name__)
def test_stage_re_exports_every_kernel_name(stage, kernel):
    assert kernel.__all__
    for name in kernel.__all__:
        assert getattr(stage, name) is getattr(kernel, name), name
        if callable(getattr(kernel, name)):
            assert name in stage.__all__, name


@pytest.mark.parametrize("kernel", [k for _, k in PAIRS], ids=lambda m: m.__name__)
def test_kernel_modules_import_no_stage(kernel):
    tree = ast.parse(inspect.getsource(kernel))
    imported = set()
    for node in ast.walk(tree):  # also the imports inside functions
        if isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), kernel.__package__)
            imported.add(base)
            imported.update(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    assert not imported & NOT_BELOW_KERNELS, sorted(imported & NOT_BELOW_KERNELS)
    for name in kernel.__all__:
        assert getattr(getattr(kernel, name), "__module__", kernel.__name__) in {
            kernel.__name__, "builtins"}, name


def test_kernels_compute_hand_checked_numbers(tables):
    # char yield linear between 0.40 (300 °C) and 0.28 (700 °C): 0.40 − 0.12 · 200/400 at 500 °C
    assert float(kernels_energy.char_yield(500.0, tables, 0.40, 0.28)) == pytest.approx(0.34)
    # ΔSOC = 50 t C/ha · (1.0 − 0.8) · 10/20
    assert float(kernels_carbon.soc_stock_change(50.0, 0.8, 1.0, 10)) == pytest.approx(5.0)
    # 1 t rice-straw biochar, medium class: F_C 0.49 · F_perm 0.80 · 44/12
    assert float(kernels_carbon.biochar_carbon_sink(1.0, "rice_straw", "medium", tables=tables)) == \
        pytest.approx(0.49 * 0.80 * 44.0 / 12.0)
    # 0.5 %/yr degradation, 3-year life, 4-year horizon
    np.testing.assert_allclose(kernels_solar.pv_year_shape(4, 0.5, 3), [1.0, 0.995, 0.995 ** 2, 0.0])
    # Miscanthus: not harvested in year 1, half the mature yield in year 2
    np.testing.assert_allclose(kernels_biomass.establishment_fractions(tables, ["miscanthus"], 3), [[0.0, 0.5, 1.0]])

