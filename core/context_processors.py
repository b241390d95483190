from django.utils.translation import get_language_bidi

from core import roles


def mithaq(request):
    user = getattr(request, "user", None)
    groups = user.group_names() if user is not None and user.is_authenticated else frozenset()
    return {
        "LANGUAGE_BIDI": get_language_bidi(),
        "user_groups": groups,
        "is_staff_user": bool(groups & roles.STAFF_GROUPS)
        or bool(user and user.is_authenticated and user.is_superuser),
        "can_file": bool(groups & roles.FILING_GROUPS),
    }
