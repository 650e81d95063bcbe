"""The sentence every answer and the window itself carry: information, not medical advice.

A module of its own so that the window can show it before the answer engine is imported."""

DISCLAIMER = (
    "Lantern is for informational purposes only, not medical advice. "
    "Talk with your care team about your own situation and before any change to your treatment."
)
