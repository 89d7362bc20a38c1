"""Forms (F-1…F-5): the builder, versions, submissions, quarantine and statistics under ``/api/v1/forms``."""
