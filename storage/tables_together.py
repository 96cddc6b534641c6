"""Tables owned by the together capability (migration: versions/0013_together.py).

- together_items: a request ("vraag") or offer ("aanbod") of one initiative, open until settled or
  past its last day (`expires_at`, the local midnight after it). `created_by` is the member who
  posted it; /vergeetmij blanks it, so the item stays the initiative's.
- together_item_networks: the networks whose groups, digests and lists show the item.
- together_responses: "Ik kan helpen" / "Ik heb interesse" from a member (`user_id`) of another
  initiative; pending until the asking initiative accepts or declines. Only an accepted response
  makes the two exchange contact details. /vergeetmij deletes the member's responses.
- together_group_messages: where each group message of an item landed (chat and Telegram message
  id), recorded when the outbox reports it sent, so the message can be edited when the item is
  settled or expires, however old it is (the outbox keeps its own history only 14 days).
- activity_coorganisers: initiatives invited to organise an activity together (invited, accepted,
  declined, withdrawn by the inviting initiative, left by the co-organiser); accepted ones show on
  the card, in their lists and digests, and their members may edit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class TogetherItem(Base):
    __tablename__ = "together_items"
    __table_args__ = (Index("ix_together_items_status_expires_at", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(8))  # ask / offer
    kind: Mapped[str] = mapped_column(String(16))  # a key of domain.together.KINDS
    text: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open / settled / expired
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)  # who marked it settled
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TogetherItemNetwork(Base):
    __tablename__ = "together_item_networks"

    item_id: Mapped[int] = mapped_column(ForeignKey("together_items.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True, index=True)


class TogetherResponse(Base):
    __tablename__ = "together_responses"
    __table_args__ = (UniqueConstraint("item_id", "user_id", name="uq_together_responses_item_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("together_items.id", ondelete="CASCADE"), index=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending / accepted / declined
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TogetherGroupMessage(Base):
    __tablename__ = "together_group_messages"

    item_id: Mapped[int] = mapped_column(ForeignKey("together_items.id", ondelete="CASCADE"), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # a group (negative id), never a person
    message_id: Mapped[int] = mapped_column(BigInteger)


class ActivityCoorganiser(Base):
    __tablename__ = "activity_coorganisers"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(10), default="invited")  # invited / accepted / declined / withdrawn / left
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
