"""Lists, their grants and each user's selection (L-1..L-3, S-6): the scope of every visibility check."""
