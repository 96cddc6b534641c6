"""Tables owned by the trust capability (add them here; migration: versions/*_trust.py)."""

from __future__ import annotations

from storage.models import Base  # noqa: F401
