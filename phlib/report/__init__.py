"""Report: section HTML from executed notebooks, pages, annexes, index, scorecard file, PDF."""
