from cultivate.people.models import User


def profile(username: str) -> User | None:
    return (
        User.objects.filter(username=username, is_active=True)
        .prefetch_related("expertise")
        .first()
    )


def active_tokens(user: User):
    return list(user.access_tokens.filter(revoked_at__isnull=True).order_by("-created_at"))
