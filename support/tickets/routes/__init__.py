"""Support desk routes: the JSON API (``api``), requester pages (``requester``), the agent workspace, reports."""
