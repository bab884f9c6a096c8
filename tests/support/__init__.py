"""Helpers shared by test modules across the tree (not tests themselves)."""
