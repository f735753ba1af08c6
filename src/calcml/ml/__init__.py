"""calcml.ml."""
