"""What simple-history records with a row's next save(): written once for every room's writers."""

from django.db import router
from django.utils import timezone
from simple_history.models import HistoricalRecords as _HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from core.prepared import insert_row


def history_stamp(obj, *, user, at=None, reason: str | None = None) -> None:
    """Who, and, when given, when and why. Every audited write stamps its rows so; the caller saves
    (with its own update_fields)."""
    obj._history_user = user
    if at is not None:
        obj._history_date = at
    if reason is not None:
        obj._change_reason = reason


class HistoricalRecords(_HistoricalRecords):
    """simple-history's, writing the history row of a save in one prepared INSERT.

    Upstream builds a new manager class (through `inspect`) on every save to learn the history
    model, then compiles a full INSERT; on a transition that is a fifth of the Python time
    (docs/architecture.md, "The cost of a transition"). The row written and the signals sent are the
    same; models with history of their many-to-many fields keep upstream's path.
    """

    def create_historical_record(self, instance, history_type, using=None):
        if self.m2m_fields:
            return super().create_historical_record(instance, history_type, using=using)
        using = using if self.use_base_model_db else None
        history_date = getattr(instance, "_history_date", timezone.now())
        history_user = self.get_history_user(instance)
        history_change_reason = self.get_change_reason_for_object(instance, history_type, using)
        model = self._history_model_of(type(instance))
        attrs = {field.attname: getattr(instance, field.attname) for field in self.fields_included(instance)}
        if getattr(model, "history_relation", None) is not None:
            attrs["history_relation"] = instance
        history_instance = model(
            history_date=history_date,
            history_type=history_type,
            history_user=history_user,
            history_change_reason=history_change_reason,
            **attrs,
        )
        signal = {
            "instance": instance,
            "history_date": history_date,
            "history_user": history_user,
            "history_change_reason": history_change_reason,
            "history_instance": history_instance,
            "using": using,
        }
        pre_create_historical_record.send(sender=model, **signal)
        insert_row(history_instance, using or router.db_for_write(model, instance=instance))
        post_create_historical_record.send(sender=model, **signal)

    def _history_model_of(self, cls):
        model = self.__dict__.get("_history_model")
        if model is None:
            model = self._history_model = getattr(cls, self.manager_name).model
        return model
