"""The Telegram adapter: commands, buttons, rendering, the notifier, jobs and the console."""
