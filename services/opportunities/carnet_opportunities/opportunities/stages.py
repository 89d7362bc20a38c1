"""Stages (O-3): fixed probabilities and colours; labels per organization in French and English.

Every organization gets the defaults the first time it needs them (``ensure_defaults``, idempotent and safe
under concurrency thanks to the ``(org_id, probability)`` unique constraint). An administrator may rename
labels, never change a probability or a colour, and add sub-stages; sub-stages used by an accounting sync are
``locked`` and keep their labels.
"""
# probability, colour, English label, French label
DEFAULTS = (
    (0, "#9e9e9e", "Lost", "Perdue"),
    (10, "#bbdefb", "10 %", "10 %"),
    (25, "#90caf9", "25 %", "25 %"),
    (40, "#64b5f6", "Quote sent", "Soumission envoyée"),
    (60, "#42a5f5", "60 %", "60 %"),
    (80, "#1e88e5", "Accepted", "Acceptée"),
    (90, "#43a047", "Order", "Commande"),
    (100, "#2e7d32", "Won / invoiced", "Gagnée / facturée"),
)
PROBABILITIES = tuple(d[0] for d in DEFAULTS)


def is_open(probability):
    """O-4, D-1: 1 %..99 % are open; 0 % (lost) and 100 % (won) are closed."""
    return 0 < probability < 100


def label(row, language):
    return row["label_fr"] if language == "fr" else row["label_en"]
