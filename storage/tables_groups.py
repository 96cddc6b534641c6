"""Tables owned by the groups capability (add them here; migration: versions/*_groups.py)."""

from __future__ import annotations

from storage.models import Base  # noqa: F401
