"""Read models stored under the key of what they were computed from, shared by processes."""
