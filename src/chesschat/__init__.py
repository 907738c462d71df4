"""ChessChat: play chess with a friend while you see and hear each other."""

__version__ = "0.1.0"
