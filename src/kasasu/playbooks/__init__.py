"""Playbooks: trigger + condition + actions, run once per account and occurrence."""
