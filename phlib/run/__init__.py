"""Run: a quarter end to end: checks, lock, warm workers, staging and swap, manifest, export."""
