"""The Telegram channel: python-telegram-bot over the channel-agnostic core."""
