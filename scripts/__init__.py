"""Maintenance scripts for this repository (run with python -m scripts.<name>)."""
