"""Answers of the audit routes: audit rows, break-glass accesses with their review, the chain."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas import Page


class AuditRow(BaseModel):
    id: int = Field(description="The row's place in the log (1, 2, 3...)")
    at: datetime
    user_id: UUID
    username: str
    role: str = Field(description="The user's role when they acted")
    action: Literal["read", "change", "search", "break_glass"]
    what: str = Field(description="The kind of record: person, referral, involvement, ...")
    record_id: UUID | None
    person_id: UUID | None = Field(description="The person the record is about, when known")
    route: str = Field(description='The route template, e.g. "GET /people/{person_id}"')
    client_ip: str | None
    reason: str | None = Field(description="Why, for a break-glass access")
    listed: int | None = Field(description="For a search: how many records it showed")


class AuditPage(Page):
    items: list[AuditRow]


class Review(BaseModel):
    at: datetime
    reviewer_id: UUID
    reviewer: str
    note: str


class BreakGlassRow(AuditRow):
    review: Review | None


class BreakGlassPage(Page):
    items: list[BreakGlassRow]


class ReviewBody(BaseModel):
    note: str = Field(
        min_length=3,
        max_length=1000,
        description="What the review found, e.g. that the access was justified",
    )


class ChainCheck(BaseModel):
    intact: bool
    rows: int = Field(description="Rows checked")
    first_broken: int | None = Field(description="The first row whose chain does not follow")
    head: str | None = Field(
        description="The last row's chain when intact: keep a copy elsewhere to show later "
        "that nothing was cut from the end"
    )
