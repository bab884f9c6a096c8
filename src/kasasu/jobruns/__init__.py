"""The job history: every run of a scheduled job, by whichever process ran it (written by
kasasu.jobs, shown in Settings and at GET /api/v1/jobs)."""
