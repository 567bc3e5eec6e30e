"""``python -m agriremed.docs`` (the documented command) runs :mod:`agriremed.apps.docs`."""

import runpy

if __name__ == "__main__":
    runpy.run_module("agriremed.apps.docs", run_name="__main__", alter_sys=True)
