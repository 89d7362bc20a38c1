"""RPC contracts of the identity service: the caller and what the gateway loads and forwards, declared once for
both sides in ``carnet_contracts`` (``actors``, ``identity``), under the names the entrypoints use."""
from carnet_contracts import identity
from carnet_contracts.actors import Actor as Actor
from carnet_contracts.identity import LoginSecondFactor as LoginSecondFactor
from carnet_contracts.identity import OrganizationCreate as OrganizationCreate
from carnet_contracts.identity import OrganizationUpdate as OrganizationUpdate
from carnet_contracts.identity import PasswordConfirmation as PasswordConfirmation
from carnet_contracts.identity import TotpCode as TotpCode
from carnet_contracts.identity import UserCreate as UserCreate
from carnet_contracts.identity import UserIds as UserIds
from carnet_contracts.identity import UserUpdate as UserUpdate

RoleCreate = RoleUpdate = identity.RoleWrite
ListQuery = identity.UserQuery


PermissionsSet = identity.Permissions
