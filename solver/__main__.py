"""Command line: ``python -m solver demo | align | torus | evaluate | odometry`` (see :mod:`solver.cli`)."""

import sys

from solver.cli import main

if __name__ == "__main__":
    sys.exit(main())
