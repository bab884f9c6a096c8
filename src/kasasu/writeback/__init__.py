"""Health written back to the CRM: each account's band, score, churn risk and CSM in the
shape a HubSpot or Salesforce import reads, and what the webhook last delivered."""
