"""The floor for benchmarks/throughput.py: the smallest python-telegram-bot bot that answers every
message (one reply, no database) and every button press (one edit), polling the same local stand-in as the real bot."""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "📍")


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: the message it sits under is edited (one request, as answers to buttons do)."""
    await update.callback_query.edit_message_text(update.callback_query.data or "…")


def main() -> None:
    application = Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"]).base_url(os.environ["TELEGRAM_API_BASE_URL"]).build()
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(press))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
