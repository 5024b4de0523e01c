"""The knowledge base: the whoosh index built from the site's ``kb.json`` (``search``); ``service`` is what other parts use."""
