"""Discord presentation helpers shared by every feature: limits, safe text, embed fitting, errors."""
