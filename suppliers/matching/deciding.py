"""Deciding what a ranking means: take the best match, have it reviewed, or treat the text as a
product the catalog does not have."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from suppliers.errors import N_, Message
from suppliers.matching.confidence import SURENESS, Evidence
from suppliers.matching.matcher import Match
from suppliers.matching.normalize import parse_quantities


class Verdict(enum.StrEnum):
    """What to do with a text given its best matches."""

    AUTO = "auto"
    REVIEW = "review"
    NEW = "new"


@dataclass(frozen=True)
class Decision:
    """A verdict, the product it is about (if any) and why, in words a purchasing lead reads."""

    verdict: Verdict
    match: Match | None
    reason: Message


#: default thresholds of `classify`, chosen on the tuning set only (see `benchmarks/matching.py
#: --tune`): `AUTO`, on the confidence, is the lowest at which no query for a product taken out of
#: the catalog, nor any wrongly matched query, is matched automatically; `REVIEW`, on the score,
#: the highest at which at most 5 % of right matches are taken for new products
AUTO = 49.0
REVIEW = 57.0
GAP = 2.0


def classify(
    matches: Sequence[Match],
    *,
    query: str | None = None,
    auto: float = AUTO,
    review: float = REVIEW,
    gap: float = GAP,
) -> Decision:
    """Decide whether the best match is the product the `query` text means.

    - Confident at `auto` or above (`Match.confidence`), ahead of the runner-up by at least
      `gap` points, with no brand, model code, colour, size, unit or pack that contradicts
      the text, and holding every catalog word of the text that another of the best products
      holds (`Evidence.contested`): the match is taken without asking.
    - A score below `review`: nothing in the catalog resembles the text enough; it is a new
      product.
    - Otherwise someone confirms.
    - Something stated differently on both sides ("80 g" against "90 g", "Kusmi" against
      "Lipton") means another product: it moves the verdict one step down (auto to review,
      review to new). Sizes are compared here when the query is given and the matcher found no
      conflict itself.
    """
    if not matches:
        return Decision(Verdict.NEW, None, Message(N_("nothing in the catalog resembles it")))
    best = matches[0]
    conflicts = list(best.conflicts)
    if query is not None and not conflicts:
        conflicts = parse_quantities(query).conflicts(parse_quantities(best.name))
    runner_up = matches[1] if len(matches) > 1 else None
    ahead = best.score - runner_up.score if runner_up is not None else 100.0
    confidence = best.confidence
    if confidence is None:
        confidence = SURENESS(best.score, Evidence(gap=ahead))
    sure = {"confidence": f"{confidence:g}"}
    if best.score < review:
        return Decision(
            Verdict.NEW,
            best,
            Message(
                N_("score %(score)s is below %(threshold)s"),
                {"score": f"{best.score:g}", "threshold": f"{review:g}"},
            ),
        )
    taken = confidence >= auto and ahead >= gap
    contested = best.evidence.contested if best.evidence is not None else ()
    unknown = best.evidence.unknown_names if best.evidence is not None else ()
    if taken and not conflicts and not contested and not unknown:
        return Decision(Verdict.AUTO, best, Message(N_("confidence %(confidence)s"), sure))
    if conflicts:
        # one placeholder per conflict, each a message of its own
        detail = Message(
            "; ".join(f"%(c{i})s" for i in range(len(conflicts))),
            {f"c{i}": conflict for i, conflict in enumerate(conflicts)},
        )
        if taken:
            return Decision(
                Verdict.REVIEW,
                best,
                Message(
                    N_("confidence %(confidence)s but %(conflicts)s"),
                    {**sure, "conflicts": detail},
                ),
            )
        return Decision(
            Verdict.NEW,
            best,
            Message(
                N_("confidence %(confidence)s and %(conflicts)s"), {**sure, "conflicts": detail}
            ),
        )
    if taken and contested:
        return Decision(
            Verdict.REVIEW,
            best,
            Message(
                N_(
                    "confidence %(confidence)s but the text asks for “%(words)s”, which another "
                    "product has and this one lacks"
                ),
                {**sure, "words": "/".join(contested)},
            ),
        )
    if taken:
        return Decision(
            Verdict.REVIEW,
            best,
            Message(
                N_(
                    "confidence %(confidence)s but the text names “%(words)s”, unknown to the "
                    "catalog, and not this product's brand"
                ),
                {**sure, "words": "/".join(unknown)},
            ),
        )
    if runner_up is not None and ahead < SURENESS.close:
        return Decision(
            Verdict.REVIEW,
            best,
            Message(
                N_("confidence %(confidence)s, runner-up “%(name)s” only %(gap)s points behind"),
                {**sure, "name": runner_up.name, "gap": f"{ahead:.1f}"},
            ),
        )
    return Decision(
        Verdict.REVIEW,
        best,
        Message(N_("confidence %(confidence)s is below %(auto)s"), {**sure, "auto": f"{auto:g}"}),
    )
