"""SIM sale and replacement at central: real-name check, number pool and reservation, and the
personalisation data of a blank SIM, sealed for the one kiosk that asked for it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from central import balances
from central.business_db import (
    Account,
    PoolNumber,
    RealNameCheck,
    ResidentRecord,
    SimProfile,
)
from central.business_schemas import (
    NumberPage,
    PersonalisationOut,
    PoolNumberOut,
    RealNameOut,
    RealNameRequest,
    ReservationOut,
)
from central.customer_auth import Customer
from central.errors import BusinessError
from central.identity import check_character_ok, keyed_hash, mask
from central.secrets_store import ID_HASH_KEY, new_id, server_key
from central.statements import locked_row

CHECK_TTL = timedelta(minutes=20)
RESERVATION_TTL = timedelta(minutes=15)
LINES_ALLOWED = 5  # lines one person may hold with this operator
SEAL_INFO = b"kiosk-sim-personalisation-v1"
DEFAULT_SMSP = "+8613800100500"


def verify_real_name(
    session: Session, kiosk_id: str, request: RealNameRequest, now: datetime
) -> RealNameOut:
    """Check character, validity dates, registry match and the per-person line limit."""
    number = request.id_number.upper()
    if not check_character_ok(number):
        raise BusinessError(422, "realname.bad_check_character", "ID number fails its check")
    today = now.date()
    if request.valid_from > today:
        raise BusinessError(422, "realname.not_yet_valid", "the ID card is not valid yet")
    if request.valid_until is not None and request.valid_until < today:
        raise BusinessError(422, "realname.expired", "the ID card has expired")
    id_hash = keyed_hash(number, server_key(session, ID_HASH_KEY))
    record = session.get(ResidentRecord, id_hash)
    if record is None:
        raise BusinessError(403, "realname.not_registered", "no such resident in the registry")
    if record.name != request.name:
        raise BusinessError(403, "realname.name_mismatch", "the name does not match the registry")
    if record.status != "normal":
        raise BusinessError(403, "realname.blocked", "this identity may not open new lines")
    owned = (
        session.scalar(
            select(func.count()).select_from(Account).where(Account.owner_id_hash == id_hash)
        )
        or 0
    )
    if owned >= LINES_ALLOWED:
        raise BusinessError(
            409, "realname.too_many_lines", "line limit reached", {"lines_owned": owned}
        )
    check = RealNameCheck(
        id=new_id(),
        kiosk_id=kiosk_id,
        id_hash=id_hash,
        id_masked=mask(number),
        name=request.name,
        created_at=now,
        expires_at=now + CHECK_TTL,
    )
    session.add(check)
    return RealNameOut(
        check_id=check.id,
        id_masked=check.id_masked,
        expires_at=check.expires_at,
        lines_owned=owned,
        lines_allowed=LINES_ALLOWED,
    )


def _available(now: datetime) -> list[ColumnElement[bool]]:
    return [
        PoolNumber.sold.is_(False),
        or_(PoolNumber.reserved_until.is_(None), PoolNumber.reserved_until <= now),
    ]


def search_numbers(
    session: Session,
    now: datetime,
    *,
    prefix: str | None,
    contains: str | None,
    no_four: bool,
    max_price_fen: int | None,
    page: int,
    page_size: int,
    suffix: str | None = None,
    min_price_fen: int | None = None,
) -> NumberPage:
    """Numbers for sale: starting with `prefix`, containing `contains`, ending with `suffix`,
    without a 4, priced from `min_price_fen` to `max_price_fen` (fen, both inclusive)."""
    if min_price_fen is not None and max_price_fen is not None and min_price_fen > max_price_fen:
        raise BusinessError(422, "number.bad_price_range",
                            "min_price_fen must not exceed max_price_fen")  # fmt: skip
    where = _available(now)
    if prefix:
        where.append(PoolNumber.msisdn.startswith(prefix))
    if contains:
        where.append(PoolNumber.msisdn.contains(contains))
    if suffix:
        where.append(PoolNumber.msisdn.endswith(suffix))
    if no_four:
        where.append(PoolNumber.msisdn.not_like("%4%"))
    if min_price_fen is not None:
        where.append(PoolNumber.price_fen >= min_price_fen)
    if max_price_fen is not None:
        where.append(PoolNumber.price_fen <= max_price_fen)
    total = session.scalar(select(func.count()).select_from(PoolNumber).where(*where)) or 0
    rows = session.scalars(
        select(PoolNumber)
        .where(*where)
        .order_by(PoolNumber.msisdn)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return NumberPage(
        numbers=[PoolNumberOut(msisdn=r.msisdn, price_fen=r.price_fen) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


def _live_check(session: Session, kiosk_id: str, check_id: str, now: datetime) -> RealNameCheck:
    check = session.get(RealNameCheck, check_id)
    if check is None or check.kiosk_id != kiosk_id:
        raise BusinessError(404, "realname.unknown_check", "no such real-name check")
    if check.expires_at <= now:
        raise BusinessError(410, "realname.check_expired", "check the ID card again")
    return check


def _reservation_out(row: PoolNumber) -> ReservationOut:
    assert row.reservation_id is not None
    assert row.reserved_until is not None
    return ReservationOut(
        reservation_id=row.reservation_id,
        msisdn=row.msisdn,
        price_fen=row.price_fen,
        expires_at=row.reserved_until,
    )


def reserve_number(
    session: Session, kiosk_id: str, msisdn: str, check_id: str, now: datetime
) -> ReservationOut:
    """Hold a number for one checked customer; asking again for the same one is idempotent,
    choosing another releases the first."""
    check = _live_check(session, kiosk_id, check_id, now)
    # Locked while it is decided: two kiosks asking for one number at once get one answer each
    # (one reservation, one `number.taken`), not two reservations of which the last one wins.
    row = locked_row(session, PoolNumber, PoolNumber.msisdn == msisdn)
    if row is None:
        raise BusinessError(404, "number.unknown", "no such number for sale")
    live = row.reserved_until is not None and row.reserved_until > now
    if live and row.reserved_by_check == check.id:
        return _reservation_out(row)
    if row.sold or live:
        raise BusinessError(409, "number.taken", "this number has just been taken")
    _within_line_limit(session, check, now)
    for held in session.scalars(
        select(PoolNumber).where(
            PoolNumber.reserved_by_check == check.id, PoolNumber.sold.is_(False)
        )
    ):
        _clear(held)
    row.reservation_id = new_id()
    row.reserved_by_check = check.id
    row.reserved_by_kiosk = kiosk_id
    row.reserved_until = now + RESERVATION_TTL
    return _reservation_out(row)


def _within_line_limit(session: Session, check: RealNameCheck, now: datetime) -> None:
    """The per-person line limit, counted when a number is held: lines owned plus numbers held
    for this person by other live checks (another kiosk, a minute ago). The person's registry
    row is locked meanwhile, so two kiosks reserving for one person at once are counted one
    after the other — checking only at the real-name check let both through."""
    session.scalar(
        select(ResidentRecord.id_hash)
        .where(ResidentRecord.id_hash == check.id_hash)
        .with_for_update()
    )
    owned = session.scalar(
        select(func.count()).select_from(Account).where(Account.owner_id_hash == check.id_hash)
    )
    held = session.scalar(
        select(func.count())
        .select_from(PoolNumber)
        .join(RealNameCheck, RealNameCheck.id == PoolNumber.reserved_by_check)
        .where(
            RealNameCheck.id_hash == check.id_hash,
            RealNameCheck.id != check.id,
            PoolNumber.sold.is_(False),
            PoolNumber.reserved_until > now,
        )
    )
    lines = (owned or 0) + (held or 0)
    if lines >= LINES_ALLOWED:
        raise BusinessError(
            409, "realname.too_many_lines", "line limit reached", {"lines_owned": lines}
        )


def _clear(row: PoolNumber) -> None:
    row.reservation_id = None
    row.reserved_by_check = None
    row.reserved_by_kiosk = None
    row.reserved_until = None


def release_number(session: Session, kiosk_id: str, reservation_id: str) -> None:
    """Give a reserved number back to the pool (the customer chose another or left)."""
    row = locked_row(session, PoolNumber, PoolNumber.reservation_id == reservation_id)
    if row is None or row.reserved_by_kiosk != kiosk_id:
        raise BusinessError(404, "number.unknown_reservation", "no such reservation")
    if row.sold:
        raise BusinessError(409, "number.sold", "the number is already sold")
    profile = session.scalar(select(SimProfile).where(SimProfile.reservation_id == reservation_id))
    if profile is not None:  # data handed out but never used: the blank card goes to waste
        profile.reservation_id = None
        profile.state = "void"
    _clear(row)


def decode_public_key(text: str) -> X25519PublicKey:
    try:
        raw = base64.b64decode(text, validate=True)
        return X25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise BusinessError(
            422, "sim.bad_public_key", "kiosk_public_key must be a base64 X25519 key"
        ) from None


def seal(peer: X25519PublicKey, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes, bytes]:
    """(ephemeral public key, nonce, ciphertext) readable only by the holder of `peer`'s key."""
    ephemeral = X25519PrivateKey.generate()
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=SEAL_INFO).derive(
        ephemeral.exchange(peer)
    )
    nonce = os.urandom(12)
    public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return public, nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def _issue_profile(
    session: Session, kiosk_id: str, order_id: str, msisdn: str, public_key: str
) -> PersonalisationOut:
    peer = decode_public_key(public_key)
    profile = session.scalar(select(SimProfile).where(SimProfile.reservation_id == order_id))
    if profile is None:
        # SKIP LOCKED: two orders at once take two different blank cards, neither waits.
        profile = session.scalar(
            select(SimProfile)
            .where(SimProfile.state == "free")
            .order_by(SimProfile.iccid)
            .limit(1)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        if profile is None:
            raise BusinessError(503, "sim.no_profiles", "no personalisation data left")
        profile.reservation_id = order_id
        profile.handed_to_kiosk = kiosk_id
        profile.state = "issued"
    data = {
        "iccid": profile.iccid,
        "imsi": profile.imsi,
        "ki_encrypted": profile.ki_encrypted_hex,
        "smsp": DEFAULT_SMSP,
        "pin1": profile.pin1,
        "puk1": profile.puk1,
    }
    aad = f"{kiosk_id}|{order_id}|{profile.iccid}".encode()
    public, nonce, sealed = seal(peer, json.dumps(data).encode(), aad)
    return PersonalisationOut(
        order_id=order_id,
        iccid=profile.iccid,
        msisdn=msisdn,
        ephemeral_public_key=base64.b64encode(public).decode(),
        nonce=base64.b64encode(nonce).decode(),
        ciphertext=base64.b64encode(sealed).decode(),
    )


def personalise_for_sale(
    session: Session, kiosk_id: str, reservation_id: str, public_key: str, now: datetime
) -> PersonalisationOut:
    """The data for the blank SIM of a live reservation; asking again gives the same card
    (the reservation is locked meanwhile: two requests at once cannot take two cards)."""
    row = locked_row(session, PoolNumber, PoolNumber.reservation_id == reservation_id)
    if row is None or row.reserved_by_kiosk != kiosk_id:
        raise BusinessError(404, "number.unknown_reservation", "no such reservation")
    if row.sold or row.reserved_until is None or row.reserved_until <= now:
        raise BusinessError(410, "number.reservation_expired", "the reservation has expired")
    return _issue_profile(session, kiosk_id, reservation_id, row.msisdn, public_key)


def personalise_for_replacement(
    session: Session, customer: Customer, public_key: str
) -> PersonalisationOut:
    """A new SIM for an existing line; only for a customer who logged in with their ID card."""
    if customer.method != "id_card":
        raise BusinessError(403, "auth.id_card_required", "SIM replacement needs the ID card")
    account = balances.lock_line(session, customer.msisdn)  # one card per order, even at once
    if account is None or account.status != "active":
        raise BusinessError(409, "account.suspended", "the line is not active")
    # One replacement order per customer session: asking again gives the same card.
    return _issue_profile(
        session, customer.kiosk_id, customer.session_id, account.msisdn, public_key
    )
