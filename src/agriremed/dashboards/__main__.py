"""``python -m agriremed.dashboards``: serve the dashboards offline with Voila."""

import sys

from .serve import main

if __name__ == "__main__":
    sys.exit(main())
