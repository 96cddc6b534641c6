"""Tables owned by the activities capability (add them here; migration: versions/*_activities.py)."""

from __future__ import annotations

from storage.models import Base  # noqa: F401
