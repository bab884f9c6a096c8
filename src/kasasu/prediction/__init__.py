"""Prediction: churn risk learned from a team's own history (DESIGN.md §5), with its card."""
