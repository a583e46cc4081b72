"""Registers the fuzz profiles ("ci", "soak") so `--hypothesis-profile` can name them too."""

from tests.security import fuzzing  # noqa: F401  (registration happens on import)
