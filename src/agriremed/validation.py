"""``python -m agriremed.validation`` (the documented command) runs :mod:`agriremed.apps.validation`."""

import runpy

if __name__ == "__main__":
    runpy.run_module("agriremed.apps.validation", run_name="__main__", alter_sys=True)
