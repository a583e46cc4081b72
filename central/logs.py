"""Log uploads: a kiosk posts its recent log lines (on the `upload_logs` remote command or when
a technician asks); ops read the latest uploads of a kiosk.

No `from __future__ import annotations` here: FastAPI reads route signatures at runtime.
"""

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select

from central.auth import authenticate_kiosk, clock_of, require_ops, storage_of
from central.business_db import LogUpload

MAX_LINES = 2000
MAX_LINE = 2000
KEEP_PER_KIOSK = 20  # older uploads of a kiosk are dropped

LogLine = Annotated[str, Field(max_length=MAX_LINE)]


class LogUploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    command_id: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, description="the upload_logs command this answers, if any"
    )
    lines: list[LogLine] = Field(max_length=MAX_LINES, description="oldest first")


class LogUploadOut(BaseModel):
    id: int
    kiosk_id: str
    command_id: str | None
    received_at: datetime
    lines: list[str]


class LogUploadList(BaseModel):
    uploads: list[LogUploadOut]


router = APIRouter()


@router.post("/v1/logs", status_code=201, tags=["kiosk"])
def upload_logs(
    request: Request,
    body: LogUploadRequest,
    kiosk_id: Annotated[str, Depends(authenticate_kiosk)],
) -> LogUploadOut:
    """Store recent log lines of the calling kiosk (the kiosk masks personal data before it
    sends them); the latest 20 uploads per kiosk are kept."""
    storage = storage_of(request)
    with storage.sessions.begin() as session:
        row = LogUpload(
            kiosk_id=kiosk_id,
            command_id=body.command_id,
            received_at=clock_of(request)(),
            lines_json=json.dumps(body.lines, ensure_ascii=False),
        )
        session.add(row)
        session.flush()
        keep = select(LogUpload.id).where(LogUpload.kiosk_id == kiosk_id)
        keep = keep.order_by(LogUpload.id.desc()).limit(KEEP_PER_KIOSK)
        session.execute(
            delete(LogUpload).where(LogUpload.kiosk_id == kiosk_id, LogUpload.id.not_in(keep))
        )
        return _out(row)


@router.get("/v1/ops/kiosks/{kiosk_id}/logs", tags=["ops"], dependencies=[Depends(require_ops)])
def kiosk_logs(
    request: Request,
    kiosk_id: Annotated[str, Path(min_length=1, max_length=64)],
    limit: Annotated[int, Query(ge=1, le=KEEP_PER_KIOSK)] = 5,
) -> LogUploadList:
    """A kiosk's latest log uploads, newest first."""
    with storage_of(request).sessions() as session:
        rows = session.scalars(
            select(LogUpload)
            .where(LogUpload.kiosk_id == kiosk_id)
            .order_by(LogUpload.id.desc())
            .limit(limit)
        ).all()
    return LogUploadList(uploads=[_out(row) for row in rows])


def _out(row: LogUpload) -> LogUploadOut:
    return LogUploadOut(
        id=row.id,
        kiosk_id=row.kiosk_id,
        command_id=row.command_id,
        received_at=row.received_at,
        lines=json.loads(row.lines_json),
    )
