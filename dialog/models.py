"""Every table, imported in one place for Alembic and the tests."""

from dialog.accounts import models as accounts
from dialog.concerns import models as concerns
from dialog.db import Base
from dialog.discussion import models as discussion
from dialog.evaluation import models as evaluation
from dialog.live import models as live
from dialog.mail import models as mail
from dialog.notifications import models as notifications
from dialog.organisations import models as organisations
from dialog.procedures import models as procedures
from dialog.proposals import models as proposals
from dialog.results import models as results
from dialog.review import models as review
from dialog.saved_searches import models as saved_searches

__all__ = [
    "Base",
    "accounts",
    "concerns",
    "discussion",
    "evaluation",
    "live",
    "mail",
    "notifications",
    "organisations",
    "procedures",
    "proposals",
    "results",
    "review",
    "saved_searches",
]
