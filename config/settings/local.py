"""Development and the embedded demo: SQLite, console e-mail, no broker."""

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
# The public development key unless one is given (README: audit integrity).
MITHAQ_AUDIT_SIGNING_KEY = env("MITHAQ_AUDIT_SIGNING_KEY", default="") or DEV_AUDIT_SIGNING_KEY  # noqa: F405
