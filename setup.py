"""Build hook: the wheel carries the dashboard notebooks and sample tables.

``agriremed dash`` serves ``notebooks/dashboards`` of the repository; installed from a wheel
(``pip install "agriremed[all]"``) it serves the copies this hook puts in
``agriremed/apps/dashboards/notebooks`` (the sample tables in its ``samples`` folder). Everything
else is configured in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithNotebooks(build_py):
    """``build_py`` that also copies the dashboard notebooks and the sample tables into the package."""

    def run(self):
        super().run()
        dst = Path(self.build_lib) / "agriremed" / "apps" / "dashboards" / "notebooks"
        (dst / "samples").mkdir(parents=True, exist_ok=True)
        for nb in sorted((HERE / "notebooks" / "dashboards").glob("*.ipynb")):
            shutil.copyfile(nb, dst / nb.name)
        for csv in sorted((HERE / "data" / "samples").glob("*.csv")):
            shutil.copyfile(csv, dst / "samples" / csv.name)


setup(cmdclass={"build_py": BuildWithNotebooks})
