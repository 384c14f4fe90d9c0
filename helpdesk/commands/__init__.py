"""Command-line groups."""
