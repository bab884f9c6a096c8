"""Advocacy: loyal customers, advocates and the contacts who agreed to be references."""
