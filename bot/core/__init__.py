"""Channel-agnostic core: knowledge base, text handling, matcher and dialogue decision."""
