"""Shared column helpers. Timestamps are timezone-aware UTC (SQLModel refuses naive ones)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


def utcnow() -> datetime:
    """Current time, timezone-aware, in UTC (what every timestamp column stores)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A timestamp read back from a column, made aware again (SQLite returns them without
    their zone; they were stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def json_field(default_factory: Any = dict) -> Any:
    """A JSON column (TEXT on SQLite, JSON on PostgreSQL)."""
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class EnumText(TypeDecorator[Any]):
    """Stores a StrEnum as its plain value in a VARCHAR (no native enum types to migrate)."""

    impl = String
    cache_ok = True

    def __init__(self, enum_cls: type[StrEnum], length: int = 40):
        super().__init__(length)
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        """Validate on the way in, so a typo never reaches the database."""
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value: Any, dialect: Any) -> StrEnum | None:
        """Hand back the enum member."""
        return None if value is None else self.enum_cls(value)


def enum_field(enum_cls: type[StrEnum], default: Any = ..., *, index: bool = False) -> Any:
    """A column holding a StrEnum value as text."""
    return Field(default=default, sa_type=EnumText(enum_cls), index=index, nullable=False)
