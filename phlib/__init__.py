"""phlib: helpers for the Public Health Performance Workbook notebooks and the phreport runner."""

__version__ = "0.1.0"
