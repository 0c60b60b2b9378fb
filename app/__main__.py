"""``python -m app`` runs the ``credencializacion`` command line."""
import sys

from app.cli import main

sys.exit(main())
