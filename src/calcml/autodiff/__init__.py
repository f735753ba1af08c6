"""calcml.autodiff."""
