"""The notifications domain's pages: the admin's outbox, and which mail one gets."""
