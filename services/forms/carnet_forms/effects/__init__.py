"""The effects area of the forms service: what a submission became and double opt-in confirmations (F-3, F-4)."""
