"""Account pages and API: sign-in and out, one's account (``auth``), user management for admins (``admin``)."""
