"""Widgets of the screens, one per module."""
