"""Use cases the CLI and the TUI both call. Rules on who may do what will live here."""
