"""Contacts (担当者): the people at an account."""
