"""Writes of "Việc của tôi": making and revoking a person's calendar feed address. The request commits."""

from __future__ import annotations

import logging
import secrets

from tracker.accounts.models import User, hash_token
from tracker.extensions import db
from tracker.me.models import CalendarFeed
from tracker.me.queries import feed_of

log = logging.getLogger(__name__)


def new_feed(user: User, actor: User) -> str:
    """A new secret address for ``user``'s feed (the old one stops working). Returns the secret, which
    is not kept: only its hash is."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=hash_token(token))
        db.session.add(feed)
    else:
        feed.token_hash = hash_token(token)
    db.session.flush()
    log.info("calendar feed of %s made by %s", user.username, actor.username)
    return token


def revoke_feed(user: User, actor: User) -> bool:
    """End ``user``'s feed address; False when there was none."""
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    log.info("calendar feed of %s revoked by %s", user.username, actor.username)
    return True
