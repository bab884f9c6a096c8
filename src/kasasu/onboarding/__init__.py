"""Onboarding milestones (オンボーディング)."""
