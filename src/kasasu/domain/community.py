"""The community's rules, one definition each: the kinds of threads and replies, the
reactions, the engagement points an account earns, mention handles, and what makes a post
spam-like (links).

Engagement (the health feature ``community_engagement_90d`` and the top contributors):
points for what a company's contacts did in the window, hidden content not counted:
a thread 3, an answer 2, a comment 1, an accepted answer 5 more, a reaction given 1.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from kasasu.kit.japanese import is_japanese

QUESTION, DISCUSSION = "question", "discussion"
POST_KINDS = (QUESTION, DISCUSSION)
ANSWER, COMMENT = "answer", "comment"
REPLY_KINDS = (ANSWER, COMMENT)
# A small fixed set, shown in this order; a contact gives at most one per post or reply.
REACTIONS = {"like": "👍", "thanks": "🙏", "helpful": "💡", "celebrate": "🎉"}
REPORT_REASONS = ("spam", "abuse", "off_topic", "other")

POINTS_POST = 3
POINTS_ANSWER = 2
POINTS_COMMENT = 1
POINTS_ACCEPTED = 5  # on top of the answer's own
POINTS_REACTION = 1
ENGAGEMENT_DAYS = 90

HANDLE_LENGTH = 32
# "@" then letters, digits (any script), "_", "-" or "."; not inside an email address.
_MENTION = re.compile(r"(?<![\w.@])@([\w\-.]{1,64})")
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)")
_KEEP = re.compile(r"[^\w\-.]")


def engagement_points(
    posts: int, answers: int, comments: int, accepted: int, reactions: int
) -> int:
    """The points of one company (or one contact) for what it did in a window."""
    return (
        posts * POINTS_POST
        + answers * POINTS_ANSWER
        + comments * POINTS_COMMENT
        + accepted * POINTS_ACCEPTED
        + reactions * POINTS_REACTION
    )


def handle_of(name: str) -> str:
    """A mention handle from a person's name: NFKC, spaces and punctuation dropped
    ("山田 太郎" → "山田太郎", "Alice B." → "AliceB."); "member" when nothing is left."""
    folded = _KEEP.sub("", unicodedata.normalize("NFKC", name)).strip(".-")
    return folded[:HANDLE_LENGTH] or "member"


def handle_candidates(base: str, taken: Iterable[str]) -> str:
    """``base``, else ``base2``, ``base3``... the first not in ``taken``."""
    used = {t.casefold() for t in taken}
    if base.casefold() not in used:
        return base
    n = 2
    while f"{base[: HANDLE_LENGTH - len(str(n))]}{n}".casefold() in used:
        n += 1
    return f"{base[: HANDLE_LENGTH - len(str(n))]}{n}"


def mentioned(text: str) -> list[str]:
    """The words after each "@" in ``text`` (in order, once each). A word may run on past
    the handle in Japanese ("@山田太郎さん"): the caller matches handles as its prefixes."""
    seen: dict[str, None] = {}
    for found in _MENTION.finditer(text):
        seen.setdefault(found.group(1).rstrip(".-"), None)
    return [w for w in seen if w]


def prefixes(word: str) -> list[str]:
    """Every prefix of ``word`` (longest first): the handles it may begin with."""
    return [word[:n] for n in range(len(word), 0, -1)]


def count_links(text: str) -> int:
    """Links written in ``text`` (http://, https://, www.), Markdown or bare."""
    return len(_LINK.findall(text))


def language_of(text: str) -> str:
    """ "ja" when ``text`` holds Japanese script, else "en"."""
    return "ja" if is_japanese(text) else "en"
