"""Unified customer authentication: service password, SMS code or ID card, then one session.

A session belongs to one kiosk and one number; it ends on logout, after `SESSION_IDLE` without a
call, or `SESSION_MAX` after it began. Every refusal is a BusinessError with a stable code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central import limits
from central.business_db import Account, CustomerSession, SmsChallenge, SmsMessage
from central.business_schemas import IdCardLogin, SessionOut
from central.errors import BusinessError
from central.identity import check_character_ok, keyed_hash
from central.secrets_store import (
    ID_HASH_KEY,
    code_digest,
    new_id,
    new_sms_code,
    new_token,
    password_matches,
    server_key,
    token_digest,
)

PASSWORD_ATTEMPTS = 5
PASSWORD_LOCK = timedelta(minutes=30)
SMS_TTL = timedelta(minutes=5)
SMS_RESEND = timedelta(seconds=60)
SMS_ATTEMPTS = 3
SESSION_IDLE = timedelta(minutes=5)
SESSION_MAX = timedelta(minutes=30)
SMS_SIGNATURE = "【自助终端】"
ID_CARD_ATTEMPTS = 5
ID_CARD_LOCKED = "too many ID cards that are not the owner's"
ID_CARD_LOCK = timedelta(minutes=30)
PASSWORD_LIMIT = limits.Limit("password", PASSWORD_ATTEMPTS, PASSWORD_LOCK)
ID_CARD_LIMIT = limits.Limit("id_card", ID_CARD_ATTEMPTS, ID_CARD_LOCK)
SMS_SEND_LIMIT = limits.Limit("sms_send", 1, SMS_RESEND)


@dataclass(frozen=True)
class Customer:
    """The authenticated customer behind a request: which kiosk, session, line and method."""

    kiosk_id: str
    session_id: str
    msisdn: str
    method: str


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: enough for the customer to recognise, not to identify."""
    return name[:1] + "*" * max(len(name) - 1, 1)


def _account(session: Session, msisdn: str) -> Account:
    account = session.get(Account, msisdn)
    if account is None:
        raise BusinessError(404, "auth.unknown_number", "no such number")
    return account


def _open_session(
    session: Session, kiosk_id: str, account: Account, method: str, now: datetime
) -> SessionOut:
    token = new_token()
    session.add(
        CustomerSession(
            id=new_id(),
            token_sha256=token_digest(token),
            kiosk_id=kiosk_id,
            msisdn=account.msisdn,
            method=method,
            created_at=now,
            last_used_at=now,
            ended=False,
        )
    )
    return SessionOut.model_validate(
        {
            "session_token": token,
            "msisdn": account.msisdn,
            "method": method,
            "owner_name_masked": mask_name(account.owner_name),
            "idle_timeout_s": int(SESSION_IDLE.total_seconds()),
        }
    )


def _locked(until: datetime | None, message: str, code: str = "auth.locked") -> BusinessError:
    return BusinessError(423, code, message, {"locked_until": until.isoformat() if until else None})


def login_with_password(
    session: Session, kiosk_id: str, msisdn: str, password: str, now: datetime
) -> SessionOut:
    """Check the 6-digit service password; 5 wrong ones lock the number for 30 minutes.

    The try is claimed (limits.claim) and committed before the slow scrypt check, so that no
    more than PASSWORD_ATTEMPTS tries are ever evaluated, however many arrive at once."""
    account = _account(session, msisdn)
    claim = limits.claim(session, PASSWORD_LIMIT, msisdn, now)
    session.commit()  # the claim sticks, and the counter row is free while scrypt runs
    if not claim.granted:
        raise _locked(claim.locked_until, "too many wrong passwords")
    if not password_matches(password, account.password_hash):
        # Refusals are committed too (business_routes.transact): the lock must stick.
        locked_until = limits.failed(session, PASSWORD_LIMIT, msisdn, now)
        if locked_until is not None:
            raise _locked(locked_until, "too many wrong passwords")
        raise BusinessError(
            401,
            "auth.wrong_password",
            "wrong service password",
            {"attempts_left": claim.attempts_left},
        )
    limits.succeeded(session, PASSWORD_LIMIT, msisdn)
    return _open_session(session, kiosk_id, account, "password", now)


def send_sms_code(
    session: Session,
    kiosk_id: str,
    msisdn: str,
    purpose: str,
    now: datetime,
    *,
    session_id: str | None = None,
    action_json: str | None = None,
    summary_zh: str = "",
) -> SmsChallenge:
    """Write a one-time code to the SMS outbox; at most one per number per minute."""
    opens = limits.take_slot(session, SMS_SEND_LIMIT, msisdn, now)
    if opens is not None:
        wait = max(1, math.ceil((opens - now).total_seconds()))
        raise BusinessError(
            429, "sms.too_soon", "a code was sent less than a minute ago", {"retry_after_s": wait}
        )
    challenge_id = new_id()
    code = new_sms_code()
    challenge = SmsChallenge(
        id=challenge_id,
        kiosk_id=kiosk_id,
        msisdn=msisdn,
        purpose=purpose,
        code_hash=code_digest(challenge_id, code),
        attempts_left=SMS_ATTEMPTS,
        created_at=now,
        expires_at=now + SMS_TTL,
        used=False,
        session_id=session_id,
        action_json=action_json,
        result_json=None,
    )
    session.add(challenge)
    what = f"确认{summary_zh}" if summary_zh else "登录自助终端"
    session.add(
        SmsMessage(
            msisdn=msisdn,
            purpose=purpose,
            text=f"{SMS_SIGNATURE}验证码{code}，用于{what}，5分钟内有效。如非本人操作请忽略。",
            created_at=now,
        )
    )
    return challenge


def request_login_code(session: Session, kiosk_id: str, msisdn: str, now: datetime) -> SmsChallenge:
    _account(session, msisdn)
    return send_sms_code(session, kiosk_id, msisdn, "login", now)


def use_code(
    session: Session, kiosk_id: str, challenge_id: str, code: str, now: datetime, *, purpose: str
) -> SmsChallenge:
    """Spend a challenge: the right code, in time, from the kiosk it was sent for, once."""
    challenge = session.get(SmsChallenge, challenge_id)
    if challenge is None or challenge.kiosk_id != kiosk_id or challenge.purpose != purpose:
        raise BusinessError(404, "sms.unknown_challenge", "no such code request")
    if challenge.used or challenge.attempts_left <= 0:
        raise BusinessError(410, "sms.used", "this code can no longer be used; ask for a new one")
    if challenge.expires_at <= now:
        raise BusinessError(410, "sms.expired", "the code has expired; ask for a new one")
    # Claim the try in one conditional UPDATE (the row stays locked until commit): of any
    # number of concurrent tries, only SMS_ATTEMPTS are ever compared, and a right code is
    # spent once.
    left = session.scalar(
        update(SmsChallenge)
        .where(
            SmsChallenge.id == challenge_id,
            SmsChallenge.attempts_left > 0,
            SmsChallenge.used.is_(False),
        )
        .values(attempts_left=SmsChallenge.attempts_left - 1)
        .returning(SmsChallenge.attempts_left)
        .execution_options(synchronize_session=False)
    )
    if left is None:
        raise BusinessError(410, "sms.used", "this code can no longer be used; ask for a new one")
    if code_digest(challenge_id, code) != challenge.code_hash:
        raise BusinessError(401, "sms.wrong_code", "wrong code", {"attempts_left": left})
    challenge.used = True  # written in this transaction, which holds the row from the claim
    return challenge


def login_with_code(
    session: Session, kiosk_id: str, challenge_id: str, code: str, now: datetime
) -> SessionOut:
    challenge = use_code(session, kiosk_id, challenge_id, code, now, purpose="login")
    return _open_session(session, kiosk_id, _account(session, challenge.msisdn), "sms", now)


def login_with_id_card(
    session: Session, kiosk_id: str, card: IdCardLogin, now: datetime
) -> SessionOut:
    """The card read at the kiosk must be valid and belong to the number's registered owner."""
    number = card.id_number.upper()
    if not check_character_ok(number):
        raise BusinessError(422, "realname.bad_check_character", "ID number fails its check")
    if card.valid_until is not None and card.valid_until < now.date():
        raise BusinessError(422, "realname.expired", "the ID card has expired")
    account = _account(session, card.msisdn)
    claim = limits.claim(session, ID_CARD_LIMIT, card.msisdn, now)
    if not claim.granted:
        raise _locked(claim.locked_until, ID_CARD_LOCKED, "auth.id_card_locked")
    key = server_key(session, ID_HASH_KEY)
    if account.owner_id_hash != keyed_hash(number, key) or account.owner_name != card.name:
        locked_until = limits.failed(session, ID_CARD_LIMIT, card.msisdn, now)
        if locked_until is not None:
            raise _locked(locked_until, ID_CARD_LOCKED, "auth.id_card_locked")
        raise BusinessError(
            403,
            "auth.not_owner",
            "this ID card is not the number's owner",
            {"attempts_left": claim.attempts_left},
        )
    limits.succeeded(session, ID_CARD_LIMIT, card.msisdn)
    return _open_session(session, kiosk_id, account, "id_card", now)


def current_session(session: Session, kiosk_id: str, token: str | None, now: datetime) -> Customer:
    """The live session for this token at this kiosk, its idle clock restarted."""
    if not token:
        raise BusinessError(401, "session.missing", "missing X-Customer-Session header")
    row = session.scalar(
        select(CustomerSession).where(CustomerSession.token_sha256 == token_digest(token))
    )
    if row is None or row.kiosk_id != kiosk_id or row.ended:
        raise BusinessError(401, "session.invalid", "no such customer session")
    if now - row.last_used_at > SESSION_IDLE or now - row.created_at > SESSION_MAX:
        row.ended = True
        raise BusinessError(401, "session.expired", "the customer session has expired")
    row.last_used_at = now
    return Customer(kiosk_id=kiosk_id, session_id=row.id, msisdn=row.msisdn, method=row.method)


def end_session(session: Session, kiosk_id: str, token: str | None) -> None:
    """Log out; ending an unknown or ended session is not an error (the kiosk may retry)."""
    if not token:
        raise BusinessError(401, "session.missing", "missing X-Customer-Session header")
    row = session.scalar(
        select(CustomerSession).where(CustomerSession.token_sha256 == token_digest(token))
    )
    if row is not None and row.kiosk_id == kiosk_id:
        row.ended = True
