"""The core: expressions, the primitive registry, numbers, errors and limits."""
