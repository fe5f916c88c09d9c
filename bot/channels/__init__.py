"""Channels: thin adapters between a messenger and the core."""
