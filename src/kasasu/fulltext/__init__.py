"""Full-text search shared by the slices that have things to find: see service.py."""
