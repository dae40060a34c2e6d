"""The root of the product's own exceptions: every one carries a Dutch message naming the culprit."""


class ToezichtError(Exception):
    """Raised on purpose, with a message fit to show a user as is (never a traceback)."""


class FrameworkFileError(ToezichtError):
    """A framework (kader) file is missing a key or refers to something unknown."""
