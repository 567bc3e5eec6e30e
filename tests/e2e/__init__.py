"""Browser tests of the dashboards (a package, so that its conftest does not shadow tests/conftest.py)."""
