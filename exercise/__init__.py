"""ttx: a tabletop exercise engine for turn-based policy exercises."""

__version__ = "0.1.0"
