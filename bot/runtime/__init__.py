"""What runs beside the channels while the bot serves: the knowledge reloader."""
