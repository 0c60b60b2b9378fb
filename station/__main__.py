"""``python -m station`` runs the ``credencializacion`` command line."""
import sys

from station.cli import main

sys.exit(main())
