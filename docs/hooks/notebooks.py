"""MkDocs hook: publish the repository's notebooks (unexecuted, as committed) with the site.

The notebooks live in ``notebooks/`` outside ``docs/``; this hook adds each ``*.ipynb`` as a
static file under ``notebooks/`` so that ``docs/notebooks.md`` can link to them and
``mkdocs build --strict`` checks those links. Nothing is executed or converted.
"""

from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[2]


def on_files(files, config):
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        files.append(File(f"notebooks/{nb.name}", src_dir=str(ROOT), dest_dir=config["site_dir"],
                          use_directory_urls=config["use_directory_urls"]))
    return files
