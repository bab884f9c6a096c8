"""Voice of the customer: what comments and cancellation reasons say (コメント分析)."""
