"""The sans-I/O core: domain values, requests and responses as values, matching and ranking.

Nothing in this package performs I/O or imports requests, sqlite3, beets, Picard or Qt.
"""
