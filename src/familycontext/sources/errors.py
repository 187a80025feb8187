class BundleError(Exception):
    """A bundle cannot be loaded at all; the message names the file, and the row and column if any."""
