"""Admin work in chats: /status, /ingest (text, link or forward) and pasted reports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Message, MessageOriginChannel, MessageOriginChat, Update

from bot.services.errors import N_, UserError
from handlers import names, render_admin
from handlers.common import AnyApplication, Context, Toolkit, arg_text, send
from handlers.html import esc
from handlers.i18n import t

ADMIN_ONLY = N_("Sorry, only Sitrep's admins can do that.")
# Pasted text shorter than this is a question or a greeting, not a report (forwards always count).
MIN_PASTED_REPORT_WORDS = 8
IngestUrl = Callable[[Update, Context, str], Awaitable[None]]


def forward_source(message: Message) -> tuple[str | None, str | None]:
    """(name, link) of the channel or chat a forwarded post came from, kept as its source."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        name = chat.title or (f"@{chat.username}" if chat.username else None)
        # A public channel's post has a stable address: it dedupes and it is citable.
        url = f"https://t.me/{chat.username}/{origin.message_id}" if chat.username else None
        return name, url
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title, None
    return None, None


class AdminHandlers:
    """What Sitrep's admins do in a chat: see its state and feed it reports."""

    def __init__(self, kit: Toolkit, ingest_url: IngestUrl | None = None) -> None:
        """``ingest_url`` fetches a web page for ``/ingest <url>`` (None: not available)."""
        self.kit = kit
        self.services = kit.services
        self._ingest_url = ingest_url

    def register(self, application: AnyApplication) -> None:
        """/status and /ingest (new messages only: editing an old /ingest must not repeat it)."""
        self.kit.add_commands(application, {"status": self.cmd_status, "ingest": self.cmd_ingest})

    async def _refuse(self, update: Update) -> None:
        """A user who is not an admin asked for an admin command."""
        lang = await self.kit.language(update)
        await send(update, esc(t(lang, ADMIN_ONLY)), lang=lang)

    async def cmd_status(self, update: Update, context: Context) -> None:
        """/status for admins."""
        if not self.kit.sender_is_admin(update):
            await self._refuse(update)
            return
        lang = await self.kit.language(update)
        status = await self.services.admin.status()
        await send(update, render_admin.status_message(status, lang), lang=lang)

    async def cmd_ingest(self, update: Update, context: Context) -> None:
        """/ingest <text or URL> for admins (or forward a message to the bot privately)."""
        if not self.kit.sender_is_admin(update):
            await self._refuse(update)
            return
        text = arg_text(update)
        message = update.effective_message
        if not text and message is not None and message.reply_to_message is not None:
            text = message.reply_to_message.text or message.reply_to_message.caption or ""
        if not text:
            raise UserError(
                "Send the report text after /ingest, or forward a channel post to me.",
                usage=N_("Example: /ingest Two people were killed in Basra on Monday ..."),
            )
        if text.startswith(("http://", "https://")) and len(text.split()) == 1:
            if self._ingest_url is None:
                raise UserError("Fetching links is not available in this setup.")
            await self._ingest_url(update, context, text)
            return
        await self.ingest(update, text, forwarded_from=None)

    async def ingest(
        self, update: Update, text: str, forwarded_from: str | None, url: str | None = None
    ) -> None:
        """Ingest a report sent in a chat and say what it stored."""
        message = update.effective_message
        # The post's own time dates "on Monday"; a forward keeps the original post's time.
        published = None
        if message is not None:
            origin = message.forward_origin
            published = origin.date if origin is not None else message.date
        outcome = await self.services.ingestion.ingest_text(
            text,
            origin="telegram",
            forwarded_from=forwarded_from,
            outlet=forwarded_from,
            url=url,
            published_at=published,
        )
        lang = await self.kit.language(update)
        await send(update, render_admin.ingest_message(outcome, lang), lang=lang)

    async def on_private_text(self, update: Update, context: Context) -> None:
        """Plain text in a private chat: an admin's pasted or forwarded report is ingested."""
        message = update.effective_message
        if message is None:
            return
        if not self.kit.sender_is_admin(update):
            lang = await self.kit.language(update)
            text = t(
                lang,
                "I answer commands. Try /latest, {example} or /help for the full list.",
                example=esc(t(lang, names.EXAMPLE_CITY)),
            )
            await send(update, text, lang=lang)
            return
        text = message.text or message.caption or ""
        if len(text) > self.kit.settings.sitrep_max_input_chars:
            raise UserError("That text is too long to ingest.")
        source, url = forward_source(message)
        if message.forward_origin is None and len(text.split()) < MIN_PASTED_REPORT_WORDS:
            # "Basra" or "hello" is a question or a greeting, not a news report to archive.
            await send(
                update,
                "That is too short to be a report, so it was not stored.\n"
                "To look something up use /city Basra, /faction AAH or /latest; to add a "
                "report paste its full text, or send <code>/ingest</code> followed by it.",
            )
            return
        await self.ingest(update, text, forwarded_from=source, url=url)
