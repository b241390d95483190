from notifications.selectors import unread_count


def unread(request):
    """`unread_notifications` for the header badge: one COUNT query, only for logged-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(user=user)}
