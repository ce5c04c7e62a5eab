"""What a source declares about itself: the one shape every source's capabilities take.

What belongs here: the declaration type. What doesn't: any source's values (each source module
declares its own ``INFO``) or the list of sources (``tagbridge/sources/registry.py``, which the
resolver, the settings parser and the drivers read).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServiceInfo"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceInfo:
    """One service's capabilities, declared once by its source module."""

    #: The stable key: settings, reports, rate limits and ``--sources`` use it.
    name: str
    #: How a person names it in a sentence: "the Cover Art Archive".
    title: str
    #: The published (or, where none is published, polite) rate limit as ``CALLS/SECONDS``.
    rate: str
    #: The most results one search may ask for; None when the service has no search.
    search_limit: int | None = None
    #: The cover size the service usually holds, in pixels; None when it offers no art.
    typical_size: int | None = None
    #: Storefront or market codes the service knows (ISO 3166-1 alpha-2); None when it has none.
    regions: frozenset[str] | None = None
