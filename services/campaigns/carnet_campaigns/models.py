"""Tables of the ``campaigns`` schema (SQLAlchemy Core): the kit's here, each area's in its ``tables.py`` on this
``metadata`` (imported at the bottom, so that ``metadata`` holds them all for the migrations' check)."""
import sqlalchemy as sa

from carnet_common.tables import kit_tables

metadata = sa.MetaData(schema="campaigns")
outbox, inbox, inbox_failures = kit_tables(metadata)

from carnet_campaigns.audience import tables as _audience  # noqa: E402,F401
from carnet_campaigns.campaigns import tables as _campaigns  # noqa: E402,F401
from carnet_campaigns.content import tables as _content  # noqa: E402,F401
from carnet_campaigns.domains import tables as _domains  # noqa: E402,F401
from carnet_campaigns.engagement import tables as _engagement  # noqa: E402,F401
from carnet_campaigns.sending import tables as _sending  # noqa: E402,F401
