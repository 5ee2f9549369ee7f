"""The local mailbox's use cases: the service taking a mail from its own dispatcher, the
operator reading the box, and what the pages tell residents about mail
(notifications/local_mailbox.py explains the box)."""

from __future__ import annotations

from typing import Any, Literal

from application.access import require_action
from lifecycle.errors import InputError, NotAuthenticated, NotFound
from lifecycle.permissions import Action, Principal
from notifications import local_mailbox
from notifications.local_mailbox import LocalMail


def receive_local_mail(authorization: str, document: Any) -> LocalMail:
    """Keep one mail the dispatcher sent to the local mailbox (the generic mail API's shape).

    Only this installation's dispatcher may deliver: it proves it with the token derived from
    the operator key. Nothing is kept when the box is not in use.
    """
    scheme, _, token = authorization.partition(" ")
    if scheme != "Bearer" or not token or not local_mailbox.token_ok(token):
        raise NotAuthenticated.said("fel nyckel för den lokala brevlådan")
    if not isinstance(document, dict) or not isinstance(document.get("to"), str):
        raise InputError.said("ett brev behöver minst mottagare")
    return local_mailbox.store(document)


def list_local_mail(principal: Principal | None, limit: int = 100) -> list[LocalMail]:
    """The newest mails in the local mailbox (those who manage the outbox)."""
    require_action(principal, Action.MANAGE_OUTBOX)
    return local_mailbox.newest(max(1, min(limit, local_mailbox.KEEP)))


def show_local_mail(principal: Principal | None, mail_id: str) -> LocalMail:
    """One mail of the local mailbox (those who manage the outbox)."""
    require_action(principal, Action.MANAGE_OUTBOX)
    mail = local_mailbox.find(mail_id)
    if mail is None:
        raise NotFound.said("inget brev {id!r} i den lokala brevlådan", id=mail_id[:40])
    return mail


def mail_delivery() -> Literal["channel", "local", "none"]:
    """How mail to residents leaves this installation: through a configured mail channel, into
    the local mailbox, or not at all (it waits in the outbox). Pages say so to residents."""
    from config.settings import ConfigError
    from notifications.channel_config import RESIDENTS_CHANNEL, load_channels

    try:
        setup = load_channels()
    except ConfigError:
        return "none"
    channel = setup.resolve(RESIDENTS_CHANNEL) if setup else None
    if setup is None or channel is None:
        return "none"
    # The local mailbox's setup is the only one read from no file.
    return "local" if setup.source is None else "channel"
