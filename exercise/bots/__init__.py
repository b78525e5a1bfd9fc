"""Computer players: controllers that see one team's view and return an order."""

from exercise.bots.random_player import RandomPlayer, bot_rng

__all__ = ["RandomPlayer", "bot_rng"]
