"""What each dataframe library needs beyond the shared rules: pandera schemas for pandas,
Polars and PySpark, generated from :mod:`iran_russia_claims.spec.rules` (every check evaluates
the rule's one expression), for use in one's own pipelines. The package's own validator does
not go through pandera. Each module imports its library and pandera when imported.
"""
