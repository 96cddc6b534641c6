"""Tables owned by the directory capability (add them here; migration: versions/*_directory.py)."""

from __future__ import annotations

from storage.models import Base  # noqa: F401
