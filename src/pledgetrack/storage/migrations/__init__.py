"""Alembic migrations of the pledgetrack schema, shipped inside the package."""
