"""What simple-history records with a row's next save(): written once for every room's writers."""


def history_stamp(obj, *, user, at=None, reason: str | None = None) -> None:
    """Who, and, when given, when and why. Every audited write stamps its rows so; the caller saves
    (with its own update_fields)."""
    obj._history_user = user
    if at is not None:
        obj._history_date = at
    if reason is not None:
        obj._change_reason = reason
