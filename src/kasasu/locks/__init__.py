"""Locks in the database that jobs take so that one piece of work runs once at a time."""
