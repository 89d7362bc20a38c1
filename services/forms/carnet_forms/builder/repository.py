"""The builder area's SQL (the only code of the area that builds SQL)."""
