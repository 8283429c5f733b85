"""Summaries and exports of a coded master: tables, CSV, XLSX and a self-contained HTML report.

Must not import Qt or ``ui``; pandas is imported inside functions only.
"""
