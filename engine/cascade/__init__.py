"""The cascade: rule steps in priority order over one document."""
