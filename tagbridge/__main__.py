"""``python -m tagbridge`` runs the command line."""

import sys

from tagbridge.cli import main

sys.exit(main())
