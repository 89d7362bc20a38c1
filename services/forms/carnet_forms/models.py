"""Tables of the ``forms`` schema (SQLAlchemy Core): the kit's here, each area's in its ``tables.py`` on this
``metadata`` (imported at the bottom, so that ``metadata`` holds them all for the migrations' check)."""
import sqlalchemy as sa

from carnet_common.tables import kit_tables

metadata = sa.MetaData(schema="forms")
outbox, inbox, inbox_failures = kit_tables(metadata)

from carnet_forms.builder import tables as _builder  # noqa: E402,F401
from carnet_forms.effects import tables as _effects  # noqa: E402,F401
from carnet_forms.intake import tables as _intake  # noqa: E402,F401
