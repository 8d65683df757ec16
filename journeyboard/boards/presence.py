"""How a person appears to the others on a board: name, initials and a stable colour."""

import hashlib

# Saturated enough for white initials and a cursor label on top.
AVATAR_COLOURS = ["#4f5bd5", "#0f8b8d", "#c2410c", "#7c3aed", "#be185d", "#15803d", "#b45309", "#1d4ed8", "#9f1239", "#0e7490"]


def avatar_colour(user_id):
    digest = hashlib.sha256(str(user_id).encode()).digest()
    return AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)]


def initials(name):
    parts = [p for p in name.replace(".", " ").replace("_", " ").split() if p]
    if len(parts) >= 2:
        return (parts[0][0] + parts[-1][0]).upper()
    return name[:2].upper()


def person(user):
    name = user.get_full_name() or user.get_username()
    return {"user": user.pk, "name": name, "initials": initials(name), "color": avatar_colour(user.pk)}
