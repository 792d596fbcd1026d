"""Views, one module per area (reading, events, discussion, team, projects, accounts,
imports, exports, api, docs, styles); reader/urls.py names each by its module."""
