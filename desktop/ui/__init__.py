"""Lantern's Qt user interface: widgets only, no domain logic (that lives in desktop.core)."""
