"""Connectors: billing, CRM and helpdesk systems that keep the data hub current."""
