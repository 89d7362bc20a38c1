"""Request and response schemas of the forms operations (F-1…F-5)."""
