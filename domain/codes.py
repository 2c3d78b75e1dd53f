"""Code lists for Local Area Coordination casework, in the committee paper's terms."""

from __future__ import annotations

from enum import Enum


class SupportLevel(Enum):
    INTRODUCTORY = "introductory_conversation"
    WALKING_ALONGSIDE = "walking_alongside"


class InvolvementStatus(Enum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class CloseReason(Enum):
    GOALS_MET = "goals_met"
    PERSON_ENDED = "person_ended_it"
    MOVED_AWAY = "moved_away"
    DIED = "died"
    SUPPORTED_BY_SERVICES = "now_supported_by_services"
    OTHER = "other"


class GoalStatus(Enum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    CHANGED = "changed"
    DROPPED = "dropped"


class StrengthKind(Enum):
    PERSONAL = "personal"
    FAMILY = "family"
    COMMUNITY = "community"


class ContactMode(Enum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    MESSAGE = "message"


class Participant(Enum):
    PERSON = "person"
    CARER_OR_FAMILY = "carer_or_family"
    PROFESSIONAL = "professional"


class ContactPurpose(Enum):
    LISTENING = "listening"
    PLANNING = "planning"
    PRACTICAL_HELP = "practical_help"
    CONNECTING = "connecting_to_community"
    ADVOCACY = "advocacy"
    CRISIS_SUPPORT = "crisis_support"
    ACCOMPANYING = "accompanying_to_appointment"


class AssetCategory(Enum):
    GROUP = "group"
    PLACE = "place"
    ACTIVITY = "activity"
    SERVICE = "service"


class ConnectionStatus(Enum):
    INTRODUCED = "introduced"
    ATTENDED = "attended"
    STILL_CONNECTED = "still_connected"
    DROPPED = "dropped"


class CommunityWorkKind(Enum):
    SUPPORTING_GROUP = "supporting_a_group"
    FINDING_FUNDING = "helping_find_funding"
    STARTING_ACTIVITY = "starting_an_activity"
    GAP_IDENTIFIED = "gap_in_what_is_offered"


class OutcomeDomain(Enum):
    CRISIS_AVOIDED = "crisis_avoided"
    HOME = "home_kept_or_found"
    WORK_VOLUNTEERING_TRAINING = "employment_volunteering_or_training"
    CONNECTED = "connected_to_community"
    LESS_ISOLATED = "less_isolated"
    ENGAGED_WITH_SERVICE = "engaged_with_a_needed_service"
    FEWER_GP_AE_VISITS = "fewer_gp_or_ae_visits"
    SAFEGUARDING_RAISED = "safeguarding_concern_raised"


class OutcomeDetail(Enum):
    EVICTION_PREVENTED = "eviction_prevented"
    TENANCY_SECURED = "tenancy_secured"
    EMPLOYMENT = "employment"
    VOLUNTEERING = "volunteering"
    TRAINING = "training"
    THERAPY = "therapy"
    SOCIAL_CARE_ASSESSMENT = "social_care_assessment"
    WARDEN_CALL = "warden_call"
    OTHER_SERVICE = "other_service"


# Which details a domain takes; a domain absent here takes none.
DETAILS: dict[OutcomeDomain, tuple[OutcomeDetail, ...]] = {
    OutcomeDomain.HOME: (OutcomeDetail.EVICTION_PREVENTED, OutcomeDetail.TENANCY_SECURED),
    OutcomeDomain.WORK_VOLUNTEERING_TRAINING: (
        OutcomeDetail.EMPLOYMENT,
        OutcomeDetail.VOLUNTEERING,
        OutcomeDetail.TRAINING,
    ),
    OutcomeDomain.ENGAGED_WITH_SERVICE: (
        OutcomeDetail.THERAPY,
        OutcomeDetail.SOCIAL_CARE_ASSESSMENT,
        OutcomeDetail.WARDEN_CALL,
        OutcomeDetail.OTHER_SERVICE,
    ),
}


class Instrument(Enum):
    SWEMWBS = "swemwbs"
    ONS4 = "ons4"
    UCLA3 = "ucla3"


class Occasion(Enum):
    BASELINE = "baseline"
    FOLLOW_UP = "follow_up"


CASEWORK_ENUMS: tuple[type[Enum], ...] = (
    SupportLevel,
    InvolvementStatus,
    CloseReason,
    GoalStatus,
    StrengthKind,
    ContactMode,
    Participant,
    ContactPurpose,
    AssetCategory,
    ConnectionStatus,
    CommunityWorkKind,
    OutcomeDomain,
    OutcomeDetail,
    Instrument,
    Occasion,
)
