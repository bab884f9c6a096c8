"""The customer community (commmune class): spaces, Q&A and discussions, moderation,
search and analytics."""
