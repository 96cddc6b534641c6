"""The one web server of the bot: Telegram's webhook, the public buurtgids, the Mini App and open data.

Built after python-telegram-bot's customwebhookbot example (Starlette + uvicorn): the Application
and the web server share one event loop; the webhook feeds `application.update_queue`.
"""
