"""How review shows one statement: its lanes as labelled columns of bars, and the highlights.

Pure functions from a :class:`~r2pcoder.review.StatementReview` and the codebook's look to the
plain values the lane margin and the highlighter take.
"""

from __future__ import annotations

import html

from r2pcoder.review import Lane, LaneCoding, StatementReview

from ui.look import NO_COLOR, CodebookLook
from ui.review.lanes import MARKS, LaneGroup
from ui.stripes import StripeItem

__all__ = ["lane_groups", "lane_label", "theme_items"]

_MARK_WORDS = {
    "theme_missing": "theme missing (another coder who worked here did not code it)",
    "stance_differs": "stance differs (an overlapping passage has another stance)",
    "span_differs": "span differs (no passage of another coder matches by 90 %)",
}


def lane_label(lane: Lane) -> str:
    """A column's heading: the key that accepts the coder's coding, and the name."""
    if lane.kind == "gold":
        return "Gold"
    return f"{lane.key} {lane.name}" if lane.key else lane.name


def _item(coding: LaneCoding, lane: Lane, look: CodebookLook, theme: int | None) -> StripeItem:
    info = look.theme(coding.theme_id)
    stance = look.stance(coding.stance_id)
    words = [_MARK_WORDS[m] for m in coding.marks]
    who = "gold" if lane.kind == "gold" else lane.name
    tip = (
        f"<b>{html.escape(info.name if info else coding.theme_key)}</b> - "
        f"{html.escape(stance.name if stance else 'no stance')} <i>({html.escape(who)})</i>"
    )
    tip += "".join(f"<br>{html.escape(w)}" for w in words)
    if coding.memo:
        tip += f"<br>{'Note' if lane.kind == 'gold' else 'Memo'}: {html.escape(coding.memo)}"
    return StripeItem(
        key=coding.uuid,
        start=coding.start,
        end=coding.end,
        color=info.color if info else NO_COLOR,
        label=info.name if info else coding.theme_key,
        tooltip=tip,
        stance_color=stance.color if stance else None,
        stance_mark=(stance.shortcut or stance.name[:1]) if stance else "",
        marks="".join(MARKS[m] for m in coding.marks),
        faded=theme is not None and coding.theme_id != theme,
    )


def _tooltip(lane: Lane, look: CodebookLook) -> str:
    if lane.kind == "gold":
        return "The gold layer: the lead's decisions (accepted, edited or added codings)."
    key = f" Key {lane.key} accepts their coding of the current theme." if lane.key else ""
    missing = ", ".join(html.escape(look.theme_name(t)) for t in lane.missing)
    text = f"<b>{html.escape(lane.name)}</b>: {len(lane.codings)} codings here.{key}"
    return text + (f"<br>Did not code: {missing}" if missing else "")


def lane_groups(review: StatementReview, look: CodebookLook, theme: int | None) -> list[LaneGroup]:
    """One column per coder who worked on the statement, then gold; ``theme`` stands out."""
    return [
        LaneGroup(
            lane_label(lane),
            _tooltip(lane, look),
            tuple(_item(c, lane, look, theme) for c in lane.codings),
            lane.kind == "gold",
        )
        for lane in review.lanes
    ]


def theme_items(
    review: StatementReview, look: CodebookLook, theme: int | None
) -> list[tuple[int, int, str, str]]:
    """The passages of ``theme`` (every coder's and gold's), for the text's highlights."""
    if theme is None:
        return []
    info = look.theme(theme)
    color = info.color if info else NO_COLOR
    return [
        (c.start, c.end, c.uuid, color)
        for lane in review.lanes
        for c in lane.codings
        if c.theme_id == theme
    ]
