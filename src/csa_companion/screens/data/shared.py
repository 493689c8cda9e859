"""Shared with me (what teammates shared: read-only, with diagrams, exportable, deletable with
undo) and the Share dialog (choose records, see the list, write a bundle)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Header, Input, Label, OptionList
from textual.widgets.option_list import Option

from csa_companion.content.model import Tool
from csa_companion.domain.reflection import month_name
from csa_companion.domain.sharing import SharedItem, entry_item, reflection_item, worksheet_item
from csa_companion.domain.wording import file_part, raised, shown
from csa_companion.errors import CompanionError
from csa_companion.screens.base import CompanionScreen, DraftPlace, KeepsFields
from csa_companion.screens.dialogs import Choice, SaysInPlace
from csa_companion.services import Services
from csa_companion.storage.repos import SettingsRepo
from csa_companion.storage.safe_storage import StoreError
from csa_companion.transfer import actions as data_actions
from csa_companion.transfer.bundles import ShelfItem, ShelfRepo
from csa_companion.widgets.checklist import CheckList
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markdown_view import MarkdownView
from csa_companion.widgets.markup import escape

SHARE_ENTRIES = 40  # the newest entries offered in the Share dialog


def export_item(screen: CompanionScreen, item: ShelfItem) -> None:
    """Write a shared record's Markdown to the exports folder and say where."""
    name = f"shared-{file_part(item.sharer)}-{item.item.kind}-{file_part(item.item.ident)}.md"
    screen.export_markdown(name, item.item.text)


class SharedScreen(CompanionScreen):
    """Records others shared, newest share first, under each sharer's name."""

    HELP_TEXT = (
        "What teammates or your coach shared with you (import their bundle from the Data "
        "screen or with `csa-companion import FILE`). It is kept apart from your own journal "
        "and cannot be edited. Enter opens a record with its diagram, x exports it as "
        "Markdown, d deletes it (ctrl+z puts it back)."
    )
    BINDINGS: ClassVar = [
        Binding("x", "export", "Export", id="shared.export"),
        Binding("d,delete", "delete", "Delete", id="shared.delete"),
        Binding("ctrl+z,u", "undo", "Undo delete", id="shared.undo", show=False),
        Binding("escape", "app.go('home')", "Home", id="shared.home"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.shelf = ShelfRepo(services.stores)
        self.deleted: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Shared with me", classes="box-title")
        yield OptionList(id="shared-list")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Shared with me"
        self.query_one("#shared-list", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        options = self.query_one("#shared-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for item in self.shelf.all():
            options.add_option(
                Option(
                    f"[b]{escape(item.sharer)}[/b]  {item.shared_at:%Y-%m-%d}  "
                    f"{escape(item.item.title)}",
                    id=item.key,
                )
            )
        if not options.option_count:
            options.add_option(
                Option(
                    "Nothing shared with you yet. Import a bundle from the Data screen.",
                    disabled=True,
                )
            )
            return
        options.highlighted = min(highlighted or 0, options.option_count - 1)

    def _highlighted(self) -> ShelfItem | None:
        options = self.query_one("#shared-list", OptionList)
        if options.highlighted is None:
            return None
        key = options.get_option_at_index(options.highlighted).id
        return self.shelf.get(key) if key else None

    @on(OptionList.OptionSelected, "#shared-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        item = self.shelf.get(event.option.id or "")
        if item is not None:
            self.app.push_screen(SharedItemScreen(self.services, item, self))

    def action_export(self) -> None:
        item = self._highlighted()
        if item is not None:
            export_item(self, item)

    def action_delete(self) -> None:
        item = self._highlighted()
        if item is not None:
            self.delete(item)

    def delete(self, item: ShelfItem) -> None:
        """Delete at once; ctrl+z here puts it back."""
        try:
            doc = self.shelf.delete(item.key)
        except StoreError as error:
            self.notify(str(error), title="Not deleted", severity="error")
            return
        if doc is not None:
            self.deleted.append(doc)
        self.notify(f"Deleted {escape(item.item.title)}. Press ctrl+z here to undo.")
        self.reload()

    def action_undo(self) -> None:
        if not self.deleted:
            self.notify("Nothing to undo.", severity="warning")
            return
        doc = self.deleted.pop()
        if self.store_call(lambda: self.shelf.put_back(doc)):
            self.notify(f"Put back {escape(shown(str(doc.get('title', ''))))}.")
            self.reload()


class SharedItemScreen(CompanionScreen):
    """One shared record, read-only, as its sharer wrote it (diagram included)."""

    HELP_TEXT = (
        "A record someone shared with you, read-only, with its diagram. x exports it as "
        "Markdown, d deletes it (ctrl+z in Shared with me puts it back)."
    )
    BINDINGS: ClassVar = [
        Binding("x", "export", "Export", id="shared_item.export"),
        Binding("d,delete", "delete", "Delete", id="shared_item.delete"),
        Binding("escape", "app.pop_screen", "Back", id="shared_item.back"),
    ]

    def __init__(self, services: Services, item: ShelfItem, shelf_screen: SharedScreen) -> None:
        super().__init__(services)
        self.item = item
        self.shelf_screen = shelf_screen

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(
            f"Shared by {escape(self.item.sharer)} on {self.item.shared_at:%Y-%m-%d} · read-only",
            classes="box-title",
            id="shared-meta",
        )
        with VerticalScroll(id="shared-body"):
            yield MarkdownView(self.item.item.text, id="shared-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Shared with me"
        self.query_one("#shared-body").focus()

    def action_export(self) -> None:
        export_item(self, self.item)

    def action_delete(self) -> None:
        self.app.pop_screen()
        self.shelf_screen.delete(self.item)


class ShareDialog(SaysInPlace, KeepsFields, ModalScreen[None]):
    """Choose what to share and under which name; the chosen records are listed before the
    bundle is written (to the exports folder). A name typed is kept over a quit (not the
    records chosen: space on a list is quickly done again)."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "Cancel", id="share.cancel"),
        Binding("ctrl+s", "write", "Write bundle", id="share.write"),
    ]
    DEFAULT_CSS = """
    ShareDialog { align: center middle; }
    ShareDialog > Vertical {
        width: 78; max-width: 100%; height: 100%; max-height: 24; padding: 0 1;
        border: thick $accent; background: $panel;
    }
    ShareDialog CheckList { height: 1fr; }
    ShareDialog .row { height: 3; }
    ShareDialog .row Label { width: 14; padding: 1 1 0 0; }
    ShareDialog .row Input { width: 1fr; }
    ShareDialog #share-chosen { height: 1; color: $text-muted; }
    ShareDialog Horizontal.buttons { height: auto; align-horizontal: right; }
    """

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.items = self._candidates()
        self.place = DraftPlace(services.settings, "share-name")

    def _candidates(self) -> dict[str, SharedItem]:
        services = self.services
        found: dict[str, SharedItem] = {}
        for sheet in services.worksheets.all():
            tool = services.library.get(sheet.tool_id)
            found[f"w:{sheet.uid}"] = worksheet_item(
                sheet, tool if isinstance(tool, Tool) else None
            )
        for reflection in services.rhythm.reflections.all():
            found[f"r:{reflection.month}"] = reflection_item(
                reflection, services.library.reflection
            )
        for entry in services.journal.recent(SHARE_ENTRIES):
            found[f"e:{entry.uid}"] = entry_item(entry)
        return found

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Share: space chooses (☑); only what you choose goes in the bundle")
            yield CheckList(
                [(key, shown(self._label(key, item))) for key, item in self.items.items()],
                id="share-list",
            )
            yield Label("Nothing chosen yet.", id="share-chosen")
            yield Label("", id="dialog-message")  # what goes wrong, here, not in a toast
            with Horizontal(classes="row"):
                yield Label("Your name")
                name = SettingsRepo(self.services.stores["settings"]).get(
                    data_actions.SHARE_NAME, ""
                )
                yield Input(str(name or ""), placeholder="as they will see it", id="share-name")
            with Horizontal(classes="buttons"):
                yield Button("Write bundle", id="share-write", variant="primary")
                yield Button("Cancel", id="share-cancel")

    @staticmethod
    def _label(key: str, item: SharedItem) -> str:
        """The title, and under it what tells it from others of the same title (a
        worksheet's tool, when it was started, its status)."""
        title = f"Reflection: {month_name(key[2:])}" if key.startswith("r:") else item.title
        return f"{title}\n{item.detail}" if item.detail else title

    def on_mount(self) -> None:
        self.restore_typed()
        chooser = self.query_one("#share-list", CheckList)
        if chooser.option_count:
            chooser.highlighted = 0
        chooser.focus()

    @on(CheckList.Changed, "#share-list")
    def _chosen_changed(self) -> None:
        count = len(self.chosen())
        text = f"{count} chosen." if count else "Nothing chosen yet."
        self.query_one("#share-chosen", Label).update(text)

    def chosen(self) -> list[SharedItem]:
        keys = self.query_one("#share-list", CheckList).chosen
        return [self.items[key] for key in keys if key in self.items]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "share-write":
            self.action_write()
        else:
            self.action_cancel()

    def action_write(self) -> None:
        items = self.chosen()
        name = self.query_one("#share-name", Input).value.strip()
        if not items:
            self.notify("Choose at least one record (space).", severity="warning")
            return
        if not name:
            self.notify("Give the name they will see.", severity="warning")
            self.query_one("#share-name", Input).focus()
            return
        listed = "\n".join(
            f"• {item.title}" + (f" ({item.detail})" if item.detail else "") for item in items
        )
        stamp = f"{self.services.clock.now():%Y-%m-%d-%H%M%S}"
        out = self.services.stores.paths.root / "exports" / f"share-{file_part(name)}-{stamp}.json"

        def answered(choice: str | None) -> None:
            if choice != "write":
                return
            try:
                message = data_actions.share(
                    self.services.stores, items, name, out, self.services.clock.now()
                )
            except (CompanionError, StoreError) as error:
                self.notify(str(error), title="Not written", severity="error")
                return
            self.app.notify(raised(message), title="Shared", timeout=15)
            self.forget_typed()
            self.dismiss(None)

        self.app.push_screen(
            Choice(
                f"Share these as {name}?\n{listed}\nThe bundle goes to {out}",
                [("write", "Write"), ("cancel", "Back")],
            ),
            answered,
        )

    def action_cancel(self) -> None:
        self.forget_typed()
        self.dismiss(None)
