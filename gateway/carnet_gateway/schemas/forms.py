"""Request and response schemas of the forms operations (F-1…F-5) — the contracts the gateway and the forms service
share (``carnet_contracts.forms``)."""
from carnet_contracts.forms import CatalogField as CatalogField
from carnet_contracts.forms import EmbedRead as EmbedRead
from carnet_contracts.forms import FormCreate as FormCreate
from carnet_contracts.forms import FormRead as FormRead
from carnet_contracts.forms import FormSummary as FormSummary
from carnet_contracts.forms import FormUpdate as FormUpdate
from carnet_contracts.forms import StatsQuery as StatsQuery
from carnet_contracts.forms import StatsRead as StatsRead
from carnet_contracts.forms import SubmissionPage as SubmissionPage
from carnet_contracts.forms import SubmissionQuery as SubmissionQuery
from carnet_contracts.forms import SubmissionRead as SubmissionRead
from carnet_contracts.forms import VersionRead as VersionRead
from carnet_contracts.forms import VersionSummary as VersionSummary
