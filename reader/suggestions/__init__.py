"""Suggestions: candidate spans and values for event facets (issue 13). Pure Python, no
database: the selectors and views feed them the project's facets, names and texts."""
