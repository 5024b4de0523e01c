"""Account models: a new account, changes to one, an account as admins see it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from support.schemas import Email, Model, Out

Role = Literal["requester", "trainer", "agent", "admin"]


class UserCreate(Model):
    """A new local account."""

    email: Email
    role: Role = "requester"
    password: str = Field(min_length=8, max_length=200)
    name: str = Field("", max_length=120)


class UserUpdate(Model):
    """Changes to an account."""

    role: Role | None = None
    disabled: bool | None = None
    name: str | None = Field(None, max_length=120)


class PasswordReset(Model):
    """A new password set by an admin (the account's sessions end)."""

    password: str = Field(min_length=8, max_length=200)


class UserPublic(Out):
    """An account as shown to admins."""

    id: int
    email: str
    name: str
    role: Role
    disabled: bool
