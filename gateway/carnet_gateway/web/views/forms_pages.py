"""Pages of forms (F-1…F-5): the builder, the embed snippet, submissions, quarantine, statistics."""
