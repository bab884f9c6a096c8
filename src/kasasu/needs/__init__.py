"""Needs (要望) weighed by revenue and effort, loyal customers and advocates, survey results."""
