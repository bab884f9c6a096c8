"""Small helpers with no knowledge of Kasasu's domain or frameworks."""
