"""Pure domain rules: no storage, no UI, no I/O."""
