"""Version of agriremed (read by the build and by ``run.py``)."""

__version__ = "0.1.0"
