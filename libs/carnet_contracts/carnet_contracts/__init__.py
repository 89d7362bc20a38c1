"""The contracts that cross the gateway → service boundary, one declaration each (issue 9 §1).

The gateway loads a request body or query with a contract of this package and forwards what it loaded; the
service that receives it loads it again with the same contract, so the two cannot drift. A module per service
area (``identity``, ``lists``, ``records``, ``customization``, ``lifecycle``, ``exports``, ``opportunities``,
``tasks``, ``dashboard``) holds its contracts, the constants their rules use and the documentation the OpenAPI
document shows; ``actors`` holds the caller each service receives. Where the two sides truly differ, the
service's form is derived here from the gateway's, never declared twice: ``values.Parsed`` turns the text
values the gateway forwards (decimal strings, dates, times) into ``Decimal``/``date``/``datetime``, a subclass
adds what the gateway adds before forwarding, ``Meta.exclude`` drops what an export does not take.

Contracts built with ``type`` (to spread a shared set of fields) name their module: through marshmallow's
metaclass ``type`` would say ``abc``, and tests/contract finds the shared declaration by its module.

What stays elsewhere: response shapes and HTTP-only wrappers in ``carnet_gateway/schemas``, service-internal
contracts (event payloads, calls between services, internal options) in each service's ``contracts.py``.
"""
