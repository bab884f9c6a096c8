"""Scheduled and background work (the daily refresh); composition root for jobs."""
