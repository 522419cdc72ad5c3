"""The case engine: intake and routing, the lifecycle transitions, deadlines, whistles, timeline.

Views, the API, commands and tests call these functions; each transition checks the actor's role
and scope, runs in one transaction with the case row locked, and appends a timeline entry.
"""
