"""Data: where your data lives and how big it is, the last snapshot, and export, import,
snapshots and sharing (each with a progress bar when it takes more than a moment).

The work runs in a worker thread on a Stores of its own: the store is made to be shared by
processes and by separate Stores objects (each write locks, re-reads and applies on top), not
by threads. When it is done, the app re-reads what changed, as it does for another process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Header, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from csa_companion.domain.wording import plural, raised
from csa_companion.errors import CompanionError, UsageError
from csa_companion.paths import expanded
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.dialogs import Ask, Choice, Pick
from csa_companion.services import Services
from csa_companion.storage.store import Stores
from csa_companion.transfer import actions as data_actions
from csa_companion.transfer import snapshots as backup
from csa_companion.transfer.actions import human_size
from csa_companion.transfer.records import Progress
from csa_companion.widgets.markup import escape

PROGRESS_AFTER = 0.3  # seconds a job runs before its progress bar shows
Job = Callable[[Stores, Progress], str]

ACTIONS = [
    ("export-json", "e", "Export everything (JSON)", "export_json"),
    ("export-md", "m", "Export a readable folder (Markdown)", "export_markdown"),
    ("import", "i", "Import a file: export, share bundle or jrnl", "import_file"),
    ("backup", "b", "Take a snapshot now", "backup"),
    ("restore", "r", "Restore a snapshot", "restore"),
    ("share", "s", "Share worksheets, reflections or entries", "share"),
    ("shared", "w", "Shared with me", "shared"),
]


def folder_size(root: Path) -> tuple[int, int]:
    """(bytes, files) under a folder, a file under several names (a snapshot's part is a
    store file's own, linked) counted once, as `du` does; what cannot be read is skipped."""
    sizes: dict[tuple[int, int], int] = {}
    for path in root.rglob("*"):
        try:
            if path.is_file():
                st = path.stat()
                sizes[st.st_dev, st.st_ino] = st.st_size
        except OSError:
            continue
    return sum(sizes.values()), len(sizes)


class DataScreen(CompanionScreen):
    """Your data as a whole."""

    DEFAULT_CSS = """
    #data-info { padding: 0 1; height: auto; }
    #data-actions { height: 1fr; }
    #data-progress { padding: 0 1; height: 1; }
    #data-progress.-hidden { display: none; }
    #data-status { padding: 0 1; height: auto; max-height: 3; width: 100%; }
    """
    HELP_TEXT = (
        "Where your data lives, how big it is and when the last snapshot was taken. Export "
        "everything as one JSON file or as a folder of Markdown files, import an export, a "
        "share bundle or a jrnl export, take or restore a snapshot (restoring keeps the "
        "current state as a snapshot first), share chosen records, and open what others "
        "shared with you. Exports go to the exports folder in your data folder."
    )
    BINDINGS: ClassVar = [
        *(
            Binding(key, action, name.split(":")[0], id=f"data.{dest}", show=False)
            for dest, key, name, action in ACTIONS
        ),
        Binding("escape", "app.go('home')", "Home", id="data.home"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.busy = False
        self.last_message = ""

    def compose(self) -> ComposeResult:
        from csa_companion.widgets.footer import Footer

        yield Header()
        yield Label("Your data", classes="box-title")
        yield Static("", id="data-info")
        yield Label("Actions", classes="box-title")
        yield OptionList(
            *(Option(f"[b]{key}[/b]  {name}", id=dest) for dest, key, name, _ in ACTIONS),
            id="data-actions",
        )
        yield ProgressBar(id="data-progress", classes="-hidden", show_eta=False)
        yield Label("", id="data-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Data"
        self.query_one("#data-actions", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        stores = self.services.stores
        root = stores.paths.root
        size, files = folder_size(root)
        snaps = backup.snapshots(stores)
        last = "none yet"
        if snaps:
            newest = snaps[-1]
            last = (
                f"{newest.name.removesuffix('.json')} ({human_size(newest.size)}): "
                f"{backup.describe(stores, newest)}"
            )
        kept = f"{plural(len(snaps), 'snapshot')} kept of {backup.keep_count(stores)}"
        rows = [
            ("Data folder", str(root)),
            ("Size", f"{human_size(size)} in {plural(files, 'file')}"),
            ("Last snapshot", f"{last} · {kept}"),
            ("Exports go to", str(root / "exports")),
        ]
        text = "\n".join(f"[b]{label:<14}[/b]{escape(value)}" for label, value in rows)
        self.query_one("#data-info", Static).update(text)

    @on(OptionList.OptionSelected, "#data-actions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        action = next(a for dest, _, _, a in ACTIONS if dest == event.option.id)
        getattr(self, f"action_{action}")()

    # -- the actions ------------------------------------------------------------------------

    def _stamp(self) -> str:
        return f"{self.services.clock.now():%Y-%m-%d-%H%M%S}"

    def _exports(self) -> Path:
        return self.services.stores.paths.root / "exports"

    def action_export_json(self) -> None:
        out, now = self._exports() / f"csa-companion-{self._stamp()}.json", self._now()
        self.run_job("Exporting", lambda s, p: data_actions.export_json(s, out, now, p))

    def action_export_markdown(self) -> None:
        out, library = self._exports() / f"csa-companion-{self._stamp()}", self.services.library
        self.run_job("Exporting", lambda s, p: data_actions.export_markdown(s, library, out, p))

    def action_import_file(self) -> None:
        def chosen(path: str | None) -> None:
            if not path:
                return
            try:
                file = expanded(path)
            except UsageError as error:
                self.notify(f"Nothing was imported: {error}", severity="error", markup=False)
                return
            self._import(file)

        self.app.push_screen(
            Ask(
                "Import which file?",
                hint="A csa-companion export, a share bundle, or `jrnl --export json` output. "
                "Enter to import, Escape to cancel.",
            ),
            chosen,
        )

    def _import(self, path: Path) -> None:
        now, zone = self._now(), getattr(self.services.clock, "zone", None)

        def job(stores: Stores, progress: Progress) -> str:
            try:
                return data_actions.import_file(stores, path, now, zone=zone, progress=progress)
            except CompanionError as error:
                if "looks like a jrnl export" not in str(error):
                    raise
            return data_actions.import_file(stores, path, now, jrnl=True, zone=zone)

        self.run_job("Importing", job)

    def action_backup(self) -> None:
        now = self._now()
        self.run_job(
            "Taking a snapshot",
            lambda s, p: f"snapshot {backup.take(s, now, progress=p).name} written",
        )

    def action_restore(self) -> None:
        snaps = backup.snapshots(self.services.stores)
        if not snaps:
            self.notify("There is no snapshot yet: b takes one.", severity="warning")
            return
        # Why each was taken and what it holds, so the right one is chosen.
        stores = self.services.stores
        options = [
            (
                s.name,
                f"{s.name.removesuffix('.json')}  {human_size(s.size)}\n"
                f"  {backup.describe(stores, s)}",
            )
            for s in snaps
        ]
        self.app.push_screen(
            Pick("Restore which snapshot?", list(reversed(options))), self._confirm_restore
        )

    def _confirm_restore(self, name: str | None) -> None:
        if name is None:
            return

        def answered(choice: str | None) -> None:
            if choice != "restore":
                return
            now = self._now()

            def job(stores: Stores, progress: Progress) -> str:
                restored, kept = backup.restore(stores, name, now)
                return f"restored {restored.name}; the state before it is kept as {kept.name}"

            self.run_job("Restoring", job)

        self.app.push_screen(
            Choice(
                f"Go back to {name}? What you have now is kept as a snapshot first, so you "
                "can come back to it.",
                [("restore", "Restore"), ("cancel", "Cancel")],
            ),
            answered,
        )

    def action_share(self) -> None:
        from csa_companion.screens.data.shared import ShareDialog

        self.app.push_screen(ShareDialog(self.services))

    def action_shared(self) -> None:
        from csa_companion.screens.data.shared import SharedScreen

        self.app.push_screen(SharedScreen(self.services))

    def _now(self) -> datetime:
        return self.services.clock.now()

    # -- running a job in a thread ----------------------------------------------------------

    def run_job(self, label: str, job: Job) -> None:
        """Run `job` in a worker thread; its progress bar shows if it takes more than a
        moment; its message (or error) is shown when it ends."""
        if self.busy:
            self.notify("Wait for the current action to finish.", severity="warning")
            return
        self.busy = True
        bar = self.query_one("#data-progress", ProgressBar)
        bar.update(total=None, progress=0)
        self.query_one("#data-status", Label).update(f"{label}…")
        self.set_timer(PROGRESS_AFTER, self._show_progress)
        paths, cipher = self.services.stores.paths, self.services.stores.cipher
        lock_timeout = 5.0

        def work() -> None:
            stores = Stores(paths, lock_timeout=lock_timeout, cipher=cipher)
            try:
                message, failed = job(stores, self._progress_from_thread), False
            except CompanionError as error:
                message, failed = str(error), True
            except OSError as error:
                message, failed = f"{error.filename or 'a file'}: {error.strerror or error}", True
            except Exception as error:  # a bug: say so, and leave the screen usable
                message, failed = f"it failed unexpectedly ({type(error).__name__}: {error})", True
            self.app.call_from_thread(self._finished, message, failed)

        threading.Thread(target=work, name="csa-companion-data", daemon=True).start()

    def _progress_from_thread(self, done: int, total: int) -> None:
        self.app.call_from_thread(self._progress, done, total)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#data-progress", ProgressBar).update(total=total, progress=done)

    def _show_progress(self) -> None:
        if self.busy:
            self.query_one("#data-progress", ProgressBar).remove_class("-hidden")

    def _finished(self, message: str, failed: bool) -> None:
        self.busy = False
        self.last_message = message
        self.query_one("#data-progress", ProgressBar).add_class("-hidden")
        text = raised(message)
        self.query_one("#data-status", Label).update(Content(text))  # brackets as typed
        self.notify(
            text,
            title="Not done" if failed else "Done",
            severity="error" if failed else "information",
            timeout=15,
            markup=False,
        )
        poll = getattr(self.app, "poll_store", None)
        if callable(poll):
            poll()  # show what changed, as for another process's writes
        self.reload()
