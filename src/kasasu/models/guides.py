"""In-app guides (テックタッチ): the environments a product's SDK sends from."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.models.base import Base, IdMixin, JSONType, TimestampMixin


class SdkEnvironment(IdMixin, TimestampMixin, Base):
    """Where a product embeds the SDK (production, staging…): its public key (in the page),
    its secret (on the product's server, to sign identities) and the origins it runs on."""

    __tablename__ = "sdk_environments"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    public_key: Mapped[str] = mapped_column(String(64), unique=True)
    secret: Mapped[str] = mapped_column(String(128))  # HMAC needs it, so it is kept as is
    origins: Mapped[list[str]] = mapped_column(JSONType)
    enabled: Mapped[bool] = mapped_column(default=True)
