"""The support backend: tickets filed from help links, KB suggestions, SLAs and an agent workspace."""
