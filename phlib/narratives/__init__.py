"""Narratives: the commentary store, its notebook cells, gathering edits, carrying forward."""
