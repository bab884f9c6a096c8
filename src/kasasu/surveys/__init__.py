"""Survey responses (アンケート回答): NPS, CSAT and CES."""
