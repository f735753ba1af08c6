"""calcml.interfaces."""
