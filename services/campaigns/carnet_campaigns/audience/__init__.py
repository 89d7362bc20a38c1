"""The audience of campaigns (E-4, E-11): the read model of contacts fed by the contacts events (email, language,
subscribed, status, lists, reps), the consent ledger, the suppression list and the pre-send counters."""
