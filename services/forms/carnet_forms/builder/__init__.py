"""The builder area of the forms service: forms and their immutable published versions (F-1, F-2)."""
