"""Widgets the screens compose: the dashboard's item table, the entry screen's grid."""
