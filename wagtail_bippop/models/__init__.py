"""The domain, one module per part: territory, catalogue, people, requests, missions."""

# Page types live in their own module; importing them here registers them with the app.
from ..events.pages import EventIndexPage, EventPage  # noqa: F401
from ..offers.pages import OffersBoardPage  # noqa: F401
from ..pages import (  # noqa: E402, F401
    DirectoryPage,
    HelpRequestPage,
    SolidarityIndexPage,
    VolunteerSignupPage,
)
from ..partners.pages import PartnerJoinPage  # noqa: F401
from ..register_pages import RegisterPage  # noqa: F401
from ..volunteer_space.pages import VolunteerSpacePage  # noqa: F401
from .audit import BippopLogEntry  # noqa: F401
from .catalogue import (  # noqa: F401
    DEFAULT_SERVICES,
    Mobility,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    ServiceType,
    seed_default_services,
)
from .impact import AssessmentMoment, LonelinessAssessment  # noqa: F401
from .missions import (  # noqa: F401
    ContactKind,
    ContactLog,
    Mission,
    MissionRecurrence,
    MissionStatus,
    Visit,
    VisitStatus,
    Worry,
)
from .offers import (  # noqa: F401
    MAX_OFFER_PLACES,
    Offer,
    OfferParticipation,
    OfferRecurrence,
    OfferStatus,
    ParticipationStatus,
)
from .outbox import (  # noqa: F401
    Channel,
    MessageTemplate,
    OutboxMessage,
    OutboxStatus,
    VolunteerPreferences,
)
from .partners import OrganisationRepresentative  # noqa: F401
from .people import (  # noqa: F401
    Absence,
    AvailabilitySlot,
    Beneficiary,
    BeneficiaryStatus,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    ContactChannel,
    TrainingAttendance,
    TrainingSession,
    VettingStage,
    Volunteer,
)
from .register import CallStatus, Campaign, CampaignCall, RegisterEntry  # noqa: F401
from .requests import (  # noqa: F401
    OPEN_STATUSES,
    REQUEST_TRANSITIONS,
    HelpRequest,
    IntakeChannel,
    Recurrence,
    RequesterKind,
    RequestStatus,
    Solicitation,
    SolicitationStatus,
    WantedSlot,
)
from .rollup import RollupSource, VisitRollup  # noqa: F401
from .schedule import DayPeriod, Weekday  # noqa: F401
from .site_settings import SolidaritySettings  # noqa: F401
from .territory import Area, Territory, TerritoryAccess  # noqa: F401
