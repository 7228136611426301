"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY)."""

INVENTORY: dict[str, dict[str, str]] = {}
