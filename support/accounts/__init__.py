"""Accounts: users and roles (``users``), server-side sessions, the sign-in throttle; ``service`` is what other parts use."""
