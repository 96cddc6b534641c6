"""Tables owned by the governance capability (add them here; migration: versions/*_governance.py)."""

from __future__ import annotations

from storage.models import Base  # noqa: F401
