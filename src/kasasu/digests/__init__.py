"""The daily digest to each CSM: where each person wants it, and the digests sent."""
