"""Health scores (ヘルススコア): scorecards, the daily snapshots, explanations, backtests."""
