"""``python -m agriremed.apps.dashboards``: serve the dashboards offline with Voila."""

import sys

from agriremed.apps.dashboards.serve import main

if __name__ == "__main__":
    sys.exit(main())
