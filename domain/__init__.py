"""Pure domain logic of Knooppunt: no Telegram, no database.

Everything here is plain Python with fast unit tests (tests/domain/), so the rules that matter to
residents -- distances, opening hours, dates, digests -- can be read and tested on their own.
"""
