"""Every ``BIPPOP_*`` setting, read in one place with its default.

Read them as ``bippop_settings.BASE_TEMPLATE``: values are looked up on each access
so that ``override_settings`` in tests and per-process changes are honoured.
"""

from django.conf import settings

DEFAULTS = {
    # Template every public page of the section extends: the town's own base template.
    "BASE_TEMPLATE": "base.html",
    # Region used to read phone numbers typed without an international prefix.
    "PHONE_REGION": "FR",
    # Load cap given to a new volunteer (missions at the same time).
    "DEFAULT_LOAD_CAP": 3,
    # Prefix of human-readable request references, e.g. DA-2026-00042.
    "REQUEST_REFERENCE_PREFIX": "DA",
    # Seed each new territory with the default service catalogue.
    "SEED_DEFAULT_SERVICES": True,
    # Months of inactivity after which personal data is due for anonymisation (CNIL: 2 years).
    "RETENTION_MONTHS": 24,
    # Days after a register entry's removal before its personal data are erased
    # (CASF L121-6-1: kept while the person stays registered).
    "REGISTER_WITHDRAWN_ERASE_DAYS": 30,
    # Value of one volunteer hour on the dashboard ("valorisation du bénévolat"), in euros.
    "VOLUNTEER_HOUR_VALUE": "12.02",
    # For the read-only role, dashboard cells counting fewer people than this show "< N".
    "SMALL_CELL_THRESHOLD": 5,
    # Shortest dashboard period (days) the read-only role may choose: a short one singles
    # people out.
    "READ_ONLY_MIN_PERIOD_DAYS": 28,
    # Months between two loneliness measures of the same person.
    "LONELINESS_EVERY_MONTHS": 6,
    # Calls to a registered person not reached before the campaign flags them for escalation.
    "CAMPAIGN_MAX_ATTEMPTS": 3,
    # Public forms: at most this many submissions per client and window (HTTP 429 beyond).
    "FORM_RATE_LIMIT": 20,
    "FORM_RATE_WINDOW_SECONDS": 3600,
    # Request header holding the client address when behind a trusted proxy, e.g.
    # "HTTP_X_REAL_IP"; empty means REMOTE_ADDR.
    "CLIENT_IP_HEADER": "",
    # Number of proxies in front of the site that append to X-Forwarded-For: the client is
    # that many entries from the right (never the client-written left-most); 0: not used.
    "TRUSTED_PROXY_COUNT": 0,
    # Matching: how many suggestions are shown, and the days checked for absences.
    "MATCHING_SUGGESTIONS": 20,
    "MATCHING_WINDOW_DAYS": 14,
    # Hours during which a volunteer's accept / decline link stays valid.
    "SOLICITATION_VALID_HOURS": 72,
    # Days ahead for which the visits of recurring missions are planned.
    "PLANNING_HORIZON_DAYS": 28,
    # --- Messages (notifications) ---
    # Task backend alias (settings.TASKS) that delivers messages in the background.
    "TASK_BACKEND": "default",
    # Attempts before a message is marked failed; the delay grows ×4 from the base.
    "MESSAGE_MAX_ATTEMPTS": 6,
    "MESSAGE_RETRY_SECONDS": 60,
    # Seconds after which a message still "sending" (worker killed mid-send) is put before
    # a coordinator as "uncertain" instead of being sent again.
    "MESSAGE_SENDING_TIMEOUT_SECONDS": 900,
    # SMS backend class; the console backend sends nothing: set a provider to send.
    "SMS_BACKEND": "wagtail_bippop.notifications.sms.ConsoleBackend",
    # Sender name shown on phones (11 letters at most).
    "SMS_SENDER": "Solidarite",
    "SMS_FILE_PATH": "",
    "SMS_TIMEOUT_SECONDS": 10,
    "SMS_BREVO_API_KEY": "",
    "SMS_BREVO_URL": "https://api.brevo.com/v3/transactionalSMS/send",
    # --- Volunteer space ---
    # Lifetime of a sign-in link, and links a person or a client may ask for per window.
    "SIGNIN_LINK_MINUTES": 20,
    "SIGNIN_RATE_LIMIT": 5,
    "SIGNIN_RATE_WINDOW_SECONDS": 3600,
    # Hours a volunteer stays signed in after opening a one-time link.
    "VOLUNTEER_SESSION_HOURS": 12,
    # --- Failures and audit ---
    # Phone shown on the error pages when the site's settings cannot be read (database down);
    # empty: the pages say to call the town hall.
    "FALLBACK_PHONE": "",
    # Days the record of who viewed or exported personal data is kept (CNIL: 6 to 12 months).
    "READ_AUDIT_DAYS": 365,
}


class BippopSettings:
    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown wagtail_bippop setting: {name}")
        return getattr(settings, f"BIPPOP_{name}", DEFAULTS[name])


bippop_settings = BippopSettings()
