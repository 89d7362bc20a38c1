"""Carnet contacts service: lists, contacts and accounts, their memberships, history, search, customization,
lifecycle (trash, relations, moves, bulk) and exports (SPEC §3), one package per area (lists/, records/,
customization/, lifecycle/, exports/, readmodels/), each with entrypoints.py → usecases.py → repository."""
