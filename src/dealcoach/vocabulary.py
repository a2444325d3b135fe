"""Every enum and named set of dealcoach, defined once.

The answers schema, the plain records, the domain, the store and the screens all name the same
values; they import them from here. Standard library only: `dealcoach next` imports this module.
"""

from __future__ import annotations

from enum import StrEnum

# -- the deal, as the interview and the answers file name it ----------------------------------


class Stage(StrEnum):
    lead = "lead"
    qualified = "qualified"
    prospect = "prospect"
    opportunity = "opportunity"
    closing = "closing"


class DealType(StrEnum):
    new = "new"
    expansion = "expansion"
    renewal = "renewal"


class Sector(StrEnum):
    public = "public"
    private = "private"
    nonprofit = "nonprofit"


class Strategy(StrEnum):
    hybrid = "hybrid"
    acceleration = "acceleration"
    decision_support = "decision_support"
    selectivity = "selectivity"


class Role(StrEnum):
    decision_maker = "decision_maker"
    economic_buyer = "economic_buyer"
    champion = "champion"
    influencer = "influencer"
    user = "user"
    procurement = "procurement"
    blocker = "blocker"


class Stance(StrEnum):
    supportive = "supportive"
    neutral = "neutral"
    skeptical = "skeptical"


class Owner(StrEnum):
    buyer = "buyer"
    us = "us"
    both = "both"


class Budget(StrEnum):
    approved = "approved"
    needs_approval = "needs_approval"
    unknown = "unknown"
    none = "none"


class Journey(StrEnum):
    recognizing = "recognizing"
    exploring = "exploring"
    comparing = "comparing"
    deciding = "deciding"


class Source(StrEnum):
    """Where a deal came from; the answers file also accepts free text (kept as written)."""

    inbound = "inbound"
    outbound = "outbound"
    referral = "referral"
    partner = "partner"
    other = "other"

    @classmethod
    def of(cls, text: str) -> Source:
        try:
            return cls(text.strip().lower())
        except ValueError:
            return cls.other


STAGES = tuple(stage.value for stage in Stage)  # in the order a deal moves through them

# -- what happens after the meeting -----------------------------------------------------------


class StopReason(StrEnum):
    """What the buyer said that stops or pauses the deal (answers `signals.stop_reason`)."""

    none = "none"
    new_direction = "new_direction"
    lost_funding = "lost_funding"
    back_burner = "back_burner"
    need_not_served = "need_not_served"
    chose_other = "chose_other"


class TouchKind(StrEnum):
    email = "email"
    call = "call"
    meeting = "meeting"
    note = "note"


class Decision(StrEnum):
    pursue = "pursue"
    nurture = "nurture"
    let_go = "let_go"


POWER_ROLES = frozenset({Role.decision_maker, Role.economic_buyer})  # the roles that can sign

NURTURE_STOPS = {StopReason.lost_funding, StopReason.back_burner}
LET_GO_STOPS = {StopReason.new_direction, StopReason.need_not_served, StopReason.chose_other}

CRM_COLUMNS = (  # the deal columns a CRM import owns and may update; never the interview's
    "account",
    "title",
    "value",
    "currency",
    "stage",
    "decision_date",
    "crm_owner",
    "crm_next_step",
    "fields",  # the custom fields: the CRM's other columns, a JSON object
)

# Who does a buyer step: (words in the step's name, words in a stakeholder's title, the role that
# fits). A step's deliverable goes to that person rather than the champion. Words match whole and
# case-blind, except the upper-case ones ("IT"), which match only as written.
STEP_OWNERS = (
    (
        frozenset(
            {"security", "infosec", "soc", "penetration", "pentest", "privacy", "gdpr", "IT"}
        ),
        frozenset({"security", "ciso", "cso", "infosec", "cio", "cto", "IT"}),
        None,
    ),
    (
        frozenset({"legal", "contract", "contracts", "msa", "dpa", "nda", "redline", "counsel"}),
        frozenset({"legal", "counsel", "lawyer", "attorney", "contracts", "GC"}),
        None,
    ),
    (
        frozenset(
            {"po", "purchase", "procurement", "purchasing", "vendor", "supplier", "sourcing"}
        ),
        frozenset({"procurement", "purchasing", "sourcing"}),
        Role.procurement,
    ),
)


# -- how the rep writes amounts (config.toml's number_format) -------------------------------------


class NumberFormat(StrEnum):
    """Which mark groups thousands in `1.234` or `48,000` (one separator, three digits after)."""

    us = "us"  # comma groups thousands: 48,000 is 48000, 1.234 is 1.234
    eu = "eu"  # dot groups thousands: 48.000 is 48000, 1,234 is 1.234
