"""Plans (S-7) and their limits. Seats are active users; storage is per user (DOC-2)."""
PLANS = {
    "solo": {"seats": 1, "storage_gb_per_user": 1, "emails": False},
    "collaborator": {"seats": 3, "storage_gb_per_user": 1, "emails": False},
    "team": {"seats": 10, "storage_gb_per_user": 5, "emails": True},
    "growth": {"seats": 25, "storage_gb_per_user": 25, "emails": True},
    "professional": {"seats": 100, "storage_gb_per_user": 50, "emails": True},
    "integral": {"seats": None, "storage_gb_per_user": 100, "emails": True},
}
DEFAULT_PLAN = "team"


def limits(plan):
    return {"plan": plan, **PLANS[plan]}


def seat_available(plan, active_users):
    seats = PLANS[plan]["seats"]
    return seats is None or active_users < seats
