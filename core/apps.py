from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# psycopg converts each statement's %s placeholders by parsing the SQL, and keeps the result only for
# statements of at most 50 parameters. A transition's widest writes (the history row, about 70
# columns; the desk's one statement) have more, so each was parsed again on every transition
# (docs/architecture.md, "The cost of a transition"). Their text is fixed: keeping them is safe.
PSYCOPG_CACHED_STATEMENT_PARAMS = 256


class CoreConfig(AppConfig):
    """No models: errors, roles, text rules, rate limits, error pages and the layout's context."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        try:
            from psycopg import _queries
        except ImportError:  # SQLite only
            return
        if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", 0) < PSYCOPG_CACHED_STATEMENT_PARAMS:
            _queries.MAX_CACHED_STATEMENT_PARAMS = PSYCOPG_CACHED_STATEMENT_PARAMS
