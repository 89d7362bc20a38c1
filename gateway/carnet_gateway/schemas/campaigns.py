"""HTTP shapes of campaigns and one-to-one e-mails (E-2…E-5, E-10): drafts, lists, content, sending, progress; sent
e-mails — the contracts the gateway and the campaigns service share (``carnet_contracts.campaigns``)."""
from carnet_contracts.campaigns import CampaignCreate as CampaignCreate
from carnet_contracts.campaigns import CampaignPage as CampaignPage
from carnet_contracts.campaigns import CampaignQuery as CampaignQuery
from carnet_contracts.campaigns import CampaignRead as CampaignRead
from carnet_contracts.campaigns import CampaignUpdate as CampaignUpdate
from carnet_contracts.campaigns import CampaignVersion as CampaignVersion
from carnet_contracts.campaigns import Counters as Counters
from carnet_contracts.campaigns import Progress as Progress
from carnet_contracts.campaigns import SentEmailPage as SentEmailPage
from carnet_contracts.campaigns import SentEmailQuery as SentEmailQuery
from carnet_contracts.campaigns import SingleEmailCreate as SingleEmailCreate
