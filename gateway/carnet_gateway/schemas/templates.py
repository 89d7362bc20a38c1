"""HTTP shapes of e-mail templates (E-2, E-8): the contracts the gateway and the campaigns service share
(``carnet_contracts.templates``)."""
from carnet_contracts.templates import FileLinkCreate as FileLinkCreate
from carnet_contracts.templates import FileLinkRead as FileLinkRead
from carnet_contracts.templates import PreviewQuery as PreviewQuery
from carnet_contracts.templates import TemplateCreate as TemplateCreate
from carnet_contracts.templates import TemplateFromCampaign as TemplateFromCampaign
from carnet_contracts.templates import TemplatePreview as TemplatePreview
from carnet_contracts.templates import TemplateRead as TemplateRead
from carnet_contracts.templates import TemplateUpdate as TemplateUpdate
