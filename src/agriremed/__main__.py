"""``python -m agriremed`` runs the command-line interface."""

from agriremed.apps.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
