"""Tasks (タスク / CTA) for CSMs."""
