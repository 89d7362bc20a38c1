"""Opportunities benchmark (issue 5): ``python bench/opportunities/run.py --help``."""
