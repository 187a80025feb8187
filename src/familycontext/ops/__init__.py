"""Running the service in production: health and readiness, request ids, JSON logs.

Outside the layers on purpose: it looks at the database and the live snapshots the way a load
balancer or an operator would, and no domain package imports it.
"""
