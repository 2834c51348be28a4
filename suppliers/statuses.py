"""Social-economy statuses (SCOP, ESAT, ...): those the eco score's table knows, and how a
supplier's status is written so that the score reads it back."""

from __future__ import annotations

from suppliers.eco import EcoConfig, Rule, load_eco_config, split_labels
from suppliers.errors import N_, Message
from suppliers.models import Supplier


def status_choices(config: EcoConfig | None = None) -> list[tuple[str, Rule]]:
    """The social-economy statuses a supplier may have: (value stored, rule of the eco table)."""
    config = config or load_eco_config()
    return [(status_value(rule, config), rule) for rule in config.statuses]


def social_economy_choice(text: str | None, config: EcoConfig | None = None) -> str:
    """The stored value of the best status written in `text` (« Esat » → `ESAT`), or ""."""
    config = config or load_eco_config()
    rules = [rule for fact in split_labels(text) if (rule := config.status(fact.name))]
    best = max(rules, key=lambda rule: rule.points, default=None)
    return status_value(best, config) if best else ""


def check_status(
    text: str, current: Supplier | None, config: EcoConfig, errors: dict[str, Message]
) -> str | None:
    """The status to store for `text`; a status the table does not know is refused, unless it is
    the one the supplier already has."""
    text = " ".join(text.split())
    if not text:
        return None
    if current is not None and text == current.social_economy:
        return text
    facts = split_labels(text)
    rules = [config.status(fact.name) for fact in facts]
    if not facts or any(rule is None for rule in rules):
        errors["social_economy"] = Message(
            N_("Choose a status from the eco score's table, or none.")
        )
        return None
    return ", ".join(dict.fromkeys(status_value(rule, config) for rule in rules if rule))


def status_value(rule: Rule, config: EcoConfig) -> str:
    """How a status is written on a supplier so that the eco score reads it back as one status:
    its name, unless the name holds a separator (« … et solidaire (ESS) »), then a short alias."""
    for candidate in (rule.name, *(alias.upper() for alias in sorted(rule.aliases, key=len))):
        facts = split_labels(candidate)
        if len(facts) == 1 and config.status(candidate) == rule:
            return candidate
    return rule.name
