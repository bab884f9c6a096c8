"""The activity timeline (活動履歴)."""
