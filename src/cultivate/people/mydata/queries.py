from cultivate import policy
from cultivate.people.models import ErasureRequest, ErasureStatus


def pending_erasure(user) -> ErasureRequest | None:
    if not policy.is_signed_in(user):
        return None
    return ErasureRequest.objects.filter(user=user, status=ErasureStatus.PENDING).first()


def latest_erasure(user) -> ErasureRequest | None:
    if not policy.is_signed_in(user):
        return None
    return ErasureRequest.objects.filter(user=user).order_by("-requested_at", "-id").first()
