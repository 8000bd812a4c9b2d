"""pledgetrack — progress tracker for government pledge lists (市办实事)."""

__version__ = "0.1.0"
