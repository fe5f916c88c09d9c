"""Knowledge administration: check, draft, suggest, notify, and safe hot reload."""
