"""MarkdownView: Textual's Markdown, shown through a worker so that quitting while it renders
prints nothing on the terminal."""

from __future__ import annotations

from textual import work
from textual.widgets import Markdown


class MarkdownView(Markdown):
    """Markdown for the text on our screens (previews, entries, pages, lessons): `show` it.

    Markdown.update parses in an executor and returns an awaitable that a caller not in an
    async handler drops; when the app quit during the parse (ctrl+q just after moving through
    the journal), the update was canceled and asyncio printed "_GatheringFuture exception was
    never retrieved ... CancelledError" with a traceback on the terminal after the app had
    gone. `show` runs the whole update in a worker of this widget, which awaits it: canceled
    by the exit, it ends quietly (and one canceled before it began never starts the update)."""

    def show(self, markdown: str) -> None:
        """Show `markdown` in place of what is shown (updates run one after another)."""
        self._update_in_worker(markdown)

    # A failed update leaves the text shown before it; it does not end the app. (The worker
    # makes its coroutine when it starts: one that never starts leaves no coroutine that was
    # never awaited, another warning on the terminal.)
    @work(group="markdown-view", exit_on_error=False)
    async def _update_in_worker(self, markdown: str) -> None:
        await self.update(markdown)
