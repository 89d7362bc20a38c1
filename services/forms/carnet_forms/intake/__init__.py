"""The intake area of the forms service: submissions, quarantine and views (F-2, F-4, F-5)."""
