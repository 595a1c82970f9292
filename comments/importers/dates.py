"""Dates in exports: WordPress's "YYYY-MM-DD HH:MM:SS" and Disqus's ISO 8601."""

from datetime import UTC, datetime


def parse_date(value: str | None) -> tuple[datetime | None, bool]:
    """``(aware datetime or None, had a time zone)`` for an export's date text.

    A date without a zone is taken as UTC (the caller counts it); WordPress's
    ``0000-00-00 00:00:00`` and anything unreadable give None.
    """
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None, True
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None, True
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC), False
    return parsed.astimezone(UTC), True
