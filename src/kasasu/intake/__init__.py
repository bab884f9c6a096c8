"""Product events the Segment way: sources with write keys, and their calls."""
