"""Rendering reports: Polish text, XLSX workbooks, PNG charts."""
