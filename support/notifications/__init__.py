"""The notifications domain: mail the portal sends, stored in a durable outbox and delivered by a background sender.

Other domains call ``support.notifications.service.enqueue`` inside their own write transaction, so a
notification is committed with the change that causes it, or not at all.
"""
