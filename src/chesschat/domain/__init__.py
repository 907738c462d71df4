"""The rules of ChessChat: games, clocks, rooms. Pure Python, no I/O, no asyncio."""
