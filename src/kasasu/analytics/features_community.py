"""The community engagement of each account over a window (the feature
``community_engagement_90d``): the points of kasasu.domain.community for what the
account's contacts wrote and gave there, hidden threads and replies not counted."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from kasasu.domain.community import (
    ANSWER,
    POINTS_ACCEPTED,
    POINTS_ANSWER,
    POINTS_COMMENT,
    POINTS_POST,
    POINTS_REACTION,
)


def community_points(
    posts: ir.Table,
    replies: ir.Table,
    reactions: ir.Table,
    start: ir.TimestampScalar,
    end: ir.TimestampScalar,
) -> ir.Table:
    """(account_id, community_points) of the accounts with any engagement in [start, end)."""

    def within(t: ir.Table) -> ir.BooleanColumn:
        return t.account_id.notnull() & (t.created_at >= start) & (t.created_at < end)

    p = posts.filter(within(posts) & ~posts.hidden)
    r = replies.filter(within(replies) & ~replies.hidden)
    x = reactions.filter(within(reactions))
    reply_points = (
        ibis.ifelse(r.kind == ANSWER, POINTS_ANSWER, POINTS_COMMENT)
        + ibis.ifelse(r.accepted, POINTS_ACCEPTED, 0)
    ).cast("int64")
    parts = [
        p.select("account_id", points=ibis.literal(POINTS_POST, "int64")),
        r.select("account_id", points=reply_points),
        x.select("account_id", points=ibis.literal(POINTS_REACTION, "int64")),
    ]
    every = parts[0].union(parts[1]).union(parts[2])
    return every.group_by("account_id").aggregate(community_points=every.points.sum())
