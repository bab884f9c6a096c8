"""Feedback and feature requests (要望)."""
