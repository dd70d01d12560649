"""The package version, which is also the dataset's semantic version (see CHANGELOG.md)."""

__version__ = "0.1.0"
