"""The support desk: tickets, conversation, history, SLAs, the queue, suggestions and deflections, reports.

``service`` holds the rules (who may do what) and is what routes and other parts call; ``storage``,
``queue`` and ``sla`` are its queries; ``schemas`` the API's bodies; ``migrations`` its tables.
"""
