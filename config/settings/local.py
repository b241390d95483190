"""Development and the embedded demo: SQLite, console e-mail, no broker."""

from config.env import env

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
