"""Knooppunt: assembles the Telegram application (configuration, factory, jobs, i18n, CLI)."""
