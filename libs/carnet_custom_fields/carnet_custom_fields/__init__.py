"""Custom fields (C-14), shared by the services that own some (contacts for contacts and accounts, opportunities
for opportunities): ``values`` checks and shows the typed values records carry, ``admin`` administers the
definitions. Each service keeps its own ``custom_fields`` table and queries; this library builds none."""
