"""The tables of the content area, on the schema's one ``MetaData`` (``carnet_campaigns.models``); its migration
writes the same shape out."""
import sqlalchemy as sa  # noqa: F401
from sqlalchemy.dialects.postgresql import ARRAY, JSONB  # noqa: F401

from carnet_campaigns.models import metadata  # noqa: F401
