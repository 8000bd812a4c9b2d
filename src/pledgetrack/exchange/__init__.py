"""Exchange files: reading and writing plan and progress tables (CSV; XLSX later)."""
