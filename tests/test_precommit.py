"""The pre-commit hooks are local (no download at hook time) and the notebook check catches outputs."""

import importlib.util
import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_hooks_are_local_and_use_installed_tools():
    cfg = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [r["repo"] for r in cfg["repos"]] == ["local"]
    hooks = {h["id"]: h for h in cfg["repos"][0]["hooks"]}
    assert set(hooks) == {"ruff", "notebooks-without-outputs", "environment-yml"}
    assert {h["language"] for h in hooks.values()} == {"system"}
    assert hooks["ruff"]["entry"].startswith("ruff check")


def test_notebook_check(tmp_path, capsys):
    check = _load("check_notebooks_clean")
    committed = sorted((ROOT / "notebooks").rglob("*.ipynb"))
    assert len(committed) >= 6 and check.main([str(p) for p in committed]) == 0
    nb = json.loads((ROOT / "notebooks" / "00_quickstart.ipynb").read_text(encoding="utf-8"))
    code = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    nb["cells"][code[0]]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]
    nb["cells"][code[1]]["execution_count"] = 3
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps(nb), encoding="utf-8")
    assert check.problems(bad) == [f"{bad}: cell {code[0]} has outputs",
                                   f"{bad}: cell {code[1]} has an execution count"]
    assert check.main([str(bad)]) == 1
    assert "cell" in capsys.readouterr().out
