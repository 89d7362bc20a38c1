"""Who sees whose contacts (S-4, S-5), the rule every service that shows contacts applies the same way: contacts on
its records, opportunities and campaigns on their read models. Each builds its SQL predicate from it in its own
repository."""


def rep_ids(actor):
    """The reps whose records ``actor`` sees, or None when they see every rep's: administrators and users flagged
    ``all_contacts`` see all; the others their own (rep 1 or rep 2) and, flagged ``hierarchy_contacts``, those of the
    users below them (``subordinate_ids``)."""
    flags = actor.get("flags") or {}
    if actor.get("is_admin") or flags.get("all_contacts"):
        return None
    ids = [actor["user_id"]]
    if flags.get("hierarchy_contacts"):
        ids.extend(i for i in actor.get("subordinate_ids") or () if i not in ids)
    return ids
