"""Read models for people: what a page or an API answer shows, each built by one call."""
