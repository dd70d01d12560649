"""Publishing: the validated dataset turned into the files people and tools read.

``tables`` derives the five published tables (fields, keys, rows) from the models; ``export``
renders them as CSV, JSON and Parquet (``writer``, column by column, with the schema and
metadata of ``parquet``) with a Frictionless data package (``datapackage``), JSON Schemas
(``jsonschemas``) and checksums, byte for byte the same whenever the data is, and writes them
all-or-nothing (``atomic``); ``drift`` tells whether the files on disk are what an export would
write now. ``frame`` converts records to pandas and back with the documented dtypes, and
``synth`` makes reproducible synthetic tables of any size, which the same writer writes. Nothing
is imported here: each module is imported where it is used, so importing the package stays free
of pandas and pyarrow.
"""
