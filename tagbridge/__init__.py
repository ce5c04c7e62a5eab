"""tagbridge: one resolver for album metadata and cover art, shared by beets, Picard and a CLI."""

__version__ = "0.1.0"
