"""The Textual user interface: a shell over the session API, with no game logic of its own."""
