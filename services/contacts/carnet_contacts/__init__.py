"""Carnet contacts service: lists, contacts and accounts, their memberships, history, search, customization,
lifecycle (trash, relations, moves, bulk) and exports (docs/rules/contacts.md), one package per area (lists/, records/,
customization/, lifecycle/, exports/, readmodels/), each with entrypoints.py → usecases.py → repository."""
