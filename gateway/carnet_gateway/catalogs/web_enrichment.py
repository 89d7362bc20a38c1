"""Texts of the enrichment pages (C-6: ``web/views/enrichment_pages.py``) and of its history entry."""
FACTS = {
    "company": ("Company", "Entreprise"),
    "industry": ("Industry", "Secteur"),
    "linkedin": ("LinkedIn", "LinkedIn"),
    "facebook": ("Facebook", "Facebook"),
    "twitter": ("X (Twitter)", "X (Twitter)"),
    "instagram": ("Instagram", "Instagram"),
    "youtube": ("YouTube", "YouTube"),
}

MESSAGES = {
    "enrichment.enrich": ("Enrich", "Enrichir"),
    "enrichment.title": ("Enrich {name}", "Enrichir {name}"),
    "enrichment.back": ("Back to the contact", "Retour au contact"),
    "enrichment.proposals": ("Public data found", "Données publiques trouvées"),
    "enrichment.source": ("Read from", "Lu sur"),
    "enrichment.apply_column": ("Apply", "Appliquer"),
    "enrichment.field": ("Field", "Champ"),
    "enrichment.current": ("Now", "Actuel"),
    "enrichment.proposed": ("Proposed", "Proposé"),
    "enrichment.not_writable": ("Read only", "Lecture seule"),
    "enrichment.apply": ("Apply the chosen fields", "Appliquer les champs choisis"),
    "enrichment.other_facts": ("Also found (no field of yours holds it)",
                               "Aussi trouvé (aucun de vos champs ne le contient)"),
    "enrichment.applied": ("Enrichment applied: {count} field(s) updated.",
                           "Enrichissement appliqué : {count} champ(s) mis à jour."),
    "records.event.enrichment": ("Enriched from public data (source)", "Enrichi de données publiques (source)"),
    **{f"enrichment.fact.{key}": texts for key, texts in FACTS.items()},
}
