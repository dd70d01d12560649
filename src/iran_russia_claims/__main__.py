"""``python -m iran_russia_claims``: the same command as ``iran-russia-claims``."""

from iran_russia_claims.cli import run

run()
