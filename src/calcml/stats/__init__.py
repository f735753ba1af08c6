"""calcml.stats."""
