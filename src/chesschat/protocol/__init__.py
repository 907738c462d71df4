"""The wire protocol: every frame a client sends or receives, declared once."""
