"""Tables of the builder area (on carnet_forms.models.metadata; migration 0002)."""
import sqlalchemy as sa  # noqa: F401
from sqlalchemy.dialects.postgresql import JSONB, UUID  # noqa: F401

from carnet_forms.models import metadata  # noqa: F401
