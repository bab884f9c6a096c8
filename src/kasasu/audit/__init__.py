"""The audit log, read: who changed what, when and from where (written by kasasu.db.audit)."""
