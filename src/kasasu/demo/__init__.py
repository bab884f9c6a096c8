"""The deterministic Japanese demo company."""
