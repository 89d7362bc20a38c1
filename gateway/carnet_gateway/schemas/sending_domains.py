"""HTTP shapes of sending domains (E-5, E-6): DNS records to publish, their check, approval — the contracts the
gateway and the campaigns service share (``carnet_contracts.sending_domains``)."""
from carnet_contracts.sending_domains import DomainCreate as DomainCreate
from carnet_contracts.sending_domains import DomainRead as DomainRead
