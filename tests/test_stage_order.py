"""docs/architecture.md: the stages import one another only in pipeline order, never backwards (a helper two
stages share moves down to ``models/`` or ``core/``); the one documented exception is ``softreuse`` reading the
plot's rule set from ``advice``. ``ranking`` and ``economics`` used to import ``ha_per_mu`` from ``advice``."""

import ast
from pathlib import Path

STAGES = Path(__file__).resolve().parents[1] / "src" / "agriremed" / "stages"

#: pipeline order (engine/pipeline.py: the early phase runs soil, uptake, options, biomass, then duration's
#: compliance and removal); seasons is a helper every stage may read, solar and softreuse sit before economics,
#: which reads them
ORDER = ["seasons", "soil", "uptake", "options", "biomass", "duration", "energy", "solar", "carbon", "softreuse",
         "economics", "ranking", "advice"]
#: (importer, imported): documented in docs/architecture.md ("One exception remains")
EXCEPTIONS = {("softreuse", "advice")}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["agriremed", "stages"] else None


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "agriremed.stages":
                out |= {a.name for a in node.names}
            elif (s := _stage(node.module)) is not None:
                out.add(s)
        elif isinstance(node, ast.Import):
            out |= {s for a in node.names if (s := _stage(a.name)) is not None}
    return out


def test_every_stage_module_has_a_place_in_the_order():
    names = {p.stem for p in STAGES.glob("*.py") if p.stem != "__init__"} | {"uptake"}
    assert names == set(ORDER)


def test_stages_import_only_earlier_stages():
    backwards = []
    for path in [*STAGES.glob("*.py"), *(STAGES / "uptake").glob("*.py")]:
        me = "uptake" if path.parent.name == "uptake" else path.stem
        if me == "__init__":
            continue
        for other in _imports(path) - {me}:
            if ORDER.index(other) > ORDER.index(me) and (me, other) not in EXCEPTIONS:
                backwards.append(f"{me} imports {other}")
    assert backwards == []


def test_ha_per_mu_lives_in_core_and_advice_re_exports_it():
    from agriremed.core.names import ha_per_mu
    from agriremed.stages import advice
    assert advice.ha_per_mu is ha_per_mu and round(ha_per_mu() * 15, 12) == 1.0
