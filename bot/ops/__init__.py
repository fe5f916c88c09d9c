"""Operating the bot: health, readiness, metrics, logs and backups."""
