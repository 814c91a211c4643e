from django.http import HttpRequest

from meetings.models import Membership


def roles(request: HttpRequest) -> dict[str, bool]:
    """What the navigation offers: import for secretaries and superusers."""
    user = request.user
    if not user.is_authenticated:
        return {"can_import": False}
    can_import = (
        user.is_superuser
        or Membership.objects.filter(user=user, role=Membership.Role.SECRETARY).exists()
    )
    return {"can_import": can_import}
