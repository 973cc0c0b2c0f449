"""Caveat lookup server."""
