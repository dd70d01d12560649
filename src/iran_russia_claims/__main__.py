"""``python -m iran_russia_claims``: the same command as ``iran-russia-claims``."""

import sys

from iran_russia_claims.cli import main

sys.exit(main())
