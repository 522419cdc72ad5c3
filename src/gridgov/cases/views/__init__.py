"""The case screens, one module per concern: ``report`` (一键响应 and its map), ``lists`` (each
role's work list), ``case`` (one case, its actions and evidence); ``base`` and ``present`` hold
what they share."""
