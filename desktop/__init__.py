"""Lantern: private, offline answers to breast-cancer questions."""

__version__ = "0.1.0"
