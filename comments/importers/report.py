"""What an import did (or, in a dry run, would do), for the command and the admin."""

from collections import Counter
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

UNPLACED_SHOWN = 50


@dataclass
class ImportReport:
    """Counts of an import. ``imported`` is per ``Comment.Status`` value; ``skipped`` and
    ``notes`` are reason -> count; ``unplaced`` names the threads no article took (link,
    else title, else id) and ``unplaced_comments`` counts their comments."""

    format: str = ""
    dry_run: bool = False
    articles_created: int = 0
    articles_matched: int = 0
    imported: Counter = field(default_factory=Counter)
    already_present: int = 0
    skipped: Counter = field(default_factory=Counter)
    orphans_reparented: int = 0
    cycles_broken: int = 0
    unplaced: list[str] = field(default_factory=list)
    unplaced_comments: int = 0
    notes: Counter = field(default_factory=Counter)
    stopped: str = ""  # why reading stopped before the end of the file, if it did

    @property
    def imported_total(self) -> int:
        return sum(self.imported.values())

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("imported", "skipped", "notes"):
            data[key] = dict(getattr(self, key))
        data["imported_total"] = self.imported_total
        return data

    def headline(self) -> str:
        """The report's first line: what happened (finished, stopped early, or failed)."""
        if self.stopped:
            if self.dry_run:
                return _("Dry run stopped early: nothing was written.")
            if self.imported_total or self.articles_created:
                return _("Import stopped early: what was read before the error is kept.")
            return _("Import failed: nothing was imported.")
        return _("Dry run: nothing was written.") if self.dry_run else _("Import finished.")

    def as_text(self) -> str:
        """The report as lines for a terminal or a <pre> block."""
        lines = [
            self.headline(),
            _("Format: %s") % (self.format or "?"),
            _("Articles created: %(c)d, matched: %(m)d")
            % {"c": self.articles_created, "m": self.articles_matched},
            _("Comments imported: %d") % self.imported_total,
        ]
        lines += [f"  {status}: {count}" for status, count in sorted(self.imported.items())]
        lines.append(_("Already present (skipped): %d") % self.already_present)
        if self.skipped:
            lines.append(_("Skipped: %d") % sum(self.skipped.values()))
            lines += [f"  {reason}: {count}" for reason, count in sorted(self.skipped.items())]
        lines.append(
            _("Replies whose parent is missing, now top level: %d") % self.orphans_reparented
        )
        if self.cycles_broken:
            lines.append(_("Parent cycles broken: %d") % self.cycles_broken)
        lines += [f"{reason}: {count}" for reason, count in sorted(self.notes.items())]
        if self.unplaced:
            lines.append(
                _("Threads not placed (no matching article): %(t)d, with %(c)d comments")
                % {"t": len(self.unplaced), "c": self.unplaced_comments}
            )
            lines += [f"  {name}" for name in self.unplaced[:UNPLACED_SHOWN]]
            if len(self.unplaced) > UNPLACED_SHOWN:
                lines.append(_("  ... and %d more") % (len(self.unplaced) - UNPLACED_SHOWN))
        if self.stopped:
            lines.append(_("Stopped early: %s") % self.stopped)
        return "\n".join(lines)
