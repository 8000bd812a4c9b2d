"""Month-end reports: one report model, several renderers."""
