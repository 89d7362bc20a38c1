"""Campaigns and one-to-one e-mails (E-2, E-3, E-4, E-5): drafts, the lists a campaign targets, its content and
sender, sending it (its recipients are chosen then, once), its progress; the module's sent e-mails."""
