"""Segments (セグメント): saved rules over accounts, evaluated at each refresh, with history."""
