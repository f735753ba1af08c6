"""calcml.symbolic."""
