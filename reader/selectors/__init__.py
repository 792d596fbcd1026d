"""Reads across models, one module per area: access (the lookups every view goes through),
reading, events, agreement, exports, team. Import what you need from its module."""
