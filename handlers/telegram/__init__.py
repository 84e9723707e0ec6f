"""The Telegram channel (python-telegram-bot); wiring in ``application``."""
