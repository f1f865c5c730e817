"""Inputs: reading CSV and xlsx, checking columns, loading catalogue, areas, observations."""
