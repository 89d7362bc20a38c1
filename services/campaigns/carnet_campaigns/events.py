"""Events of the campaigns service (``campaigns.<name>``), each declared beside the code that writes it (its payload
builder and its consumers in ``<area>/events.py``), all named here. Every payload has ``org_id``; each is written
through the outbox in the transaction of its change.

- ``contact_unsubscribed`` (engagement): a recipient unsubscribed (E-7); contacts sets the contact's ``subscribed``
  to false (services/contacts/carnet_contacts/unsubscribes/).
- ``campaign_started``, ``campaign_paused``, ``campaign_resumed``, ``campaign_cancelled`` (campaigns) and
  ``campaign_finished``, ``recipient_bounced`` (sending): no consumer yet (auditing, a contact's timeline).
- ``consent_changed`` (audience): a consent recorded or withdrawn (E-11); no consumer yet (a consent column on the
  contacts' list).
- ``sending_domain_changed`` (domains): declared, not published until a consumer exists.
"""
from carnet_campaigns.audience.events import CONSENT_CHANGED  # noqa: F401
from carnet_campaigns.campaigns.events import (  # noqa: F401
    CAMPAIGN_CANCELLED,
    CAMPAIGN_PAUSED,
    CAMPAIGN_RESUMED,
    CAMPAIGN_STARTED,
)
from carnet_campaigns.domains.events import SENDING_DOMAIN_CHANGED  # noqa: F401
from carnet_campaigns.engagement.events import CONTACT_UNSUBSCRIBED  # noqa: F401
from carnet_campaigns.sending.events import CAMPAIGN_FINISHED, RECIPIENT_BOUNCED  # noqa: F401
