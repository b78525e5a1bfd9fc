"""Computer players: controllers that see one team's view and return an order with a reason."""

from exercise.bots.doctrine import LEVELS, DoctrinePlayer, LookaheadPlayer, make_player, team_value
from exercise.bots.random_player import RandomPlayer, bot_rng

__all__ = ["LEVELS", "DoctrinePlayer", "LookaheadPlayer", "RandomPlayer", "bot_rng", "make_player",
           "team_value"]
