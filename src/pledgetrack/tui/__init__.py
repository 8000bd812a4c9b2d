"""The Textual terminal UI. Only this package imports textual."""
