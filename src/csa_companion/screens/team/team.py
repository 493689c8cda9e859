"""The Team screen (members and what each published: read-only, opened with its diagram,
exported as Markdown; withdraw one's own) and "publish to team" (what goes is listed before
it goes). The folder's engine is transfer/team.py."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Header, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from csa_companion.content.model import Tool
from csa_companion.domain.sharing import SharedItem, entry_item, reflection_item, worksheet_item
from csa_companion.domain.survey import PARTICIPANT, SUBMITTED
from csa_companion.domain.team import TeamItem, from_shared, survey_item
from csa_companion.domain.wording import file_part, one_line, plural, shown
from csa_companion.errors import CompanionError
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.dialogs import Choice, SaysInPlace
from csa_companion.services import Services
from csa_companion.storage.safe_storage import StoreError
from csa_companion.transfer.team import (
    LOCAL,
    Membership,
    Snapshot,
    TeamCache,
    TeamView,
    publish,
    read_team,
    snapshot,
)
from csa_companion.widgets.checklist import CheckList
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markdown_view import MarkdownView

RECENT_ENTRIES = 40  # the newest entries offered in the publish dialog
LISTED = 100  # characters of a name, a role or a title in the list (opened, it is whole)
SHOWN_NOTICES = 3  # lines of notices above the members (more are counted, not shown)
NOT_A_MEMBER = (
    "This data folder is in no team yet. A team shares through a folder its sync engine "
    "(OneDrive, Google Drive, Dropbox, Syncthing, a network share) keeps in step. Join from "
    "the shell: csa-companion team join FOLDER --name NAME"
)


def cache_of(services: Services) -> TeamCache:
    return TeamCache(services.stores[LOCAL])


def as_team_item(item: SharedItem) -> TeamItem:
    return from_shared(item.kind, item.ident, item.title, item.text, item.document)


def export_team_item(screen: CompanionScreen, owner: str, item: TeamItem) -> None:
    """Write a published item's Markdown to the exports folder and say where."""
    name = f"team-{file_part(owner)}-{item.kind}-{file_part(item.id.partition(':')[2])}.md"
    screen.export_markdown(name, item.text)


def publish_to_team(screen: CompanionScreen, *items: SharedItem | TeamItem) -> None:
    """List what goes to the team folder, and publish it once the person says so (the route
    "team-publish": a worksheet, a reflection or an entry opens it)."""
    cache = cache_of(screen.services)
    membership = cache.membership()
    if membership is None:
        screen.notify(NOT_A_MEMBER, title="No team", severity="warning", timeout=15)
        return
    chosen = [i if isinstance(i, TeamItem) else as_team_item(i) for i in items]
    listed = "\n".join(f"• {one_line(i.title)}" for i in chosen)

    def answered(choice: str | None) -> None:
        if choice != "publish":
            return
        try:
            done = publish(cache, membership, screen.services.clock.now(), add=chosen)
        except (CompanionError, StoreError) as error:
            screen.notify(
                str(error), title="Not published", severity="error", timeout=15, markup=False
            )
            return
        screen.app.notify(f"Published {plural(len(done.added), 'item')} to the team.", title="Team")
        screen.reload()

    screen.app.push_screen(
        Choice(
            f"Publish to the team as {one_line(membership.name)}? Everyone in the team will "
            f"see:\n{listed}\nIt goes to {membership.folder}",
            [("publish", "Publish"), ("cancel", "Back")],
        ),
        answered,
    )


class TeamScreen(CompanionScreen):
    """Every member of the team and what each published, newest first."""

    HELP_TEXT = (
        "What your team published to its shared folder, by member, newest first; members who "
        "left are marked so, and what they published stays. Read-only: Enter opens an item "
        "with its diagram, x exports it as Markdown, p publishes some of your records, w "
        "withdraws one of your own items, t copies a worksheet into your own (to go on with "
        "one a member handed over), r reads the folder again."
    )
    BINDINGS: ClassVar = [
        Binding("p", "publish", "Publish", id="team.publish"),
        Binding("x", "export", "Export", id="team.export"),
        Binding("w", "withdraw", "Withdraw", id="team.withdraw"),
        Binding("t", "take", "Take a copy", id="team.take", show=False),
        Binding("r", "reload", "Read again", id="team.reload"),
        Binding("escape", "app.go('home')", "Home", id="team.home"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.cache = cache_of(services)
        self.view: TeamView | None = None
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Team", classes="box-title")
        yield Static("", id="team-status")
        yield OptionList(id="team-list")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Team"
        self.reload()
        self.query_one("#team-list", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def membership(self) -> Membership | None:
        return self.cache.membership()

    def reload(self) -> None:
        """Read the folder again: its files in a thread (a network share may be slow, or
        gone), then merged and shown here."""
        membership = self.membership()
        self._generation += 1
        if membership is None:
            self.view = None
            self.query_one("#team-list", OptionList).clear_options()
            self.query_one("#team-status", Static).update(NOT_A_MEMBER)
            return
        if self.view is None:
            self.query_one("#team-status", Static).update(
                Content(f"Reading {shown(str(membership.folder))} …")
            )
        self._read(membership.folder, self._generation)

    @work(thread=True, exclusive=True, group="team")
    def _read(self, folder: Path, generation: int) -> None:
        taken = snapshot(folder)
        with contextlib.suppress(RuntimeError):  # the app closed in the meantime
            self.app.call_from_thread(self._show, generation, taken)

    def _show(self, generation: int, taken: Snapshot) -> None:
        membership = self.membership()
        if generation != self._generation or not self.is_attached or membership is None:
            return  # read again since, or the screen was closed: this one is stale
        options = self.query_one("#team-list", OptionList)
        status = self.query_one("#team-status", Static)
        highlighted = options.highlighted
        options.clear_options()
        try:
            cipher = membership.cipher()
        except CompanionError as error:  # the team key kept here is damaged
            self.view = None
            status.update(Content(str(error)))
            return
        view = read_team(
            membership.folder,
            cipher=cipher,
            cache=self.cache,
            now=self.services.clock.now(),
            you=membership.member,
            taken=taken,
        )
        self.view = view
        # What comes from the folder is someone else's text: shown as Content, never parsed
        # as markup (Textual's escape lets "[$x]" and "[31m" through as tags).
        lines = [Content(f"Folder: {shown(str(view.folder))}")]
        notices = view.notices
        if len(notices) > SHOWN_NOTICES:  # a folder full of half-synced files: the team stays
            more = len(notices) - SHOWN_NOTICES + 1  # in view, the shell names them all
            notices = [
                *notices[: SHOWN_NOTICES - 1],
                f"… and {more} more notices (`csa-companion team list` prints them all)",
            ]
        lines += [Content.styled(one_line(notice), "bold") for notice in notices]
        status.update(Content("\n").join(lines))
        for member in view.members:
            state = member.state
            parts: list[Content | str] = [Content.styled(one_line(state.name, LISTED), "bold")]
            if state.role:
                parts.append(one_line(state.role, LISTED))
            if state.left:
                parts.append(f"left {state.left[:10]}")
            if state.member == membership.member:
                parts.append("you")
            if not member.in_folder and member.seen:
                parts.append(f"last seen {member.seen[:16].replace('T', ' ')}")
            options.add_option(Option(Content(" · ").join(parts), disabled=True))
            live = state.live()
            if not live:
                options.add_option(Option("   nothing published yet", disabled=True))
            for item in live:
                handed = " (handed over)" if item.handed_over else ""
                options.add_option(
                    Option(
                        Content(f"   {item.at[:10]}  {one_line(item.title, LISTED)}{handed}"),
                        id=f"{state.member}\n{item.id}",
                    )
                )
        if options.option_count:
            first = next(
                (n for n in range(options.option_count) if options.get_option_at_index(n).id),
                None,
            )
            wanted = highlighted if highlighted is not None else first
            if wanted is not None:
                options.highlighted = min(wanted, options.option_count - 1)

    def _highlighted(self) -> tuple[str, TeamItem] | None:
        options = self.query_one("#team-list", OptionList)
        if options.highlighted is None or self.view is None:
            return None
        key = options.get_option_at_index(options.highlighted).id
        return self._item(key) if key else None

    def _item(self, key: str) -> tuple[str, TeamItem] | None:
        member, _, item_id = key.partition("\n")
        if self.view is None:
            return None
        item = self.view.find(member, item_id)
        return (member, item) if item is not None else None

    def _owner_name(self, member: str) -> str:
        view = self.view
        found = next((m for m in view.members if m.member == member), None) if view else None
        return found.state.name if found else member

    @on(OptionList.OptionSelected, "#team-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        found = self._item(event.option.id or "")
        if found is not None:
            member, item = found
            self.app.push_screen(TeamItemScreen(self.services, self._owner_name(member), item))

    def action_export(self) -> None:
        found = self._highlighted()
        if found is not None:
            export_team_item(self, self._owner_name(found[0]), found[1])

    def action_publish(self) -> None:
        if self.membership() is None:
            self.notify(NOT_A_MEMBER, title="No team", severity="warning", timeout=15)
            return

        def chosen(items: list[TeamItem] | None) -> None:
            if items:
                publish_to_team(self, *items)

        self.app.push_screen(PublishDialog(self.services), chosen)

    def action_take(self) -> None:
        """Copy a published worksheet into this person's worksheets (a new id: their copy is
        theirs to go on with; the published one stays as it is)."""
        from dataclasses import replace

        from csa_companion.domain.journal import new_uid
        from csa_companion.domain.worksheet import Worksheet
        from csa_companion.storage.documents import problem

        found = self._highlighted()
        if found is None:
            return
        _, item = found
        if item.kind != "worksheet":
            self.notify("Only a worksheet can be taken into your worksheets.", severity="warning")
            return
        # Someone else's file: checked as the store checks its own worksheets before reading
        why = problem("worksheets", "1", item.document)
        try:
            sheet = None if why else Worksheet.from_doc(item.document)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            why = str(error)
            sheet = None
        if sheet is None:
            self.notify(
                f"This worksheet cannot be taken into yours: {one_line(why or '')}.",
                severity="error",
                markup=False,
            )
            return
        now = self.services.clock.now()
        copy = replace(sheet, uid=new_uid(), updated=now)
        if self.store_call(lambda: self.services.worksheets.save(copy)):
            self.notify(
                f"Copied {one_line(item.title)} into your worksheets (Tools).", markup=False
            )

    def action_withdraw(self) -> None:
        membership = self.membership()
        found = self._highlighted()
        if membership is None or found is None:
            return
        member, item = found
        if member != membership.member:
            self.notify("Only your own items can be withdrawn.", severity="warning")
            return

        def answered(choice: str | None) -> None:
            if choice != "withdraw":
                return
            try:
                publish(self.cache, membership, self.services.clock.now(), withdraw=[item.id])
            except (CompanionError, StoreError) as error:
                self.notify(
                    str(error), title="Not withdrawn", severity="error", timeout=15, markup=False
                )
                return
            self.notify(f"Withdrew {one_line(item.title)} from the team.", markup=False)
            self.reload()

        self.app.push_screen(
            Choice(
                f"Withdraw {one_line(item.title)}? It goes from the team folder; "
                "copies others exported stay theirs.",
                [("withdraw", "Withdraw"), ("cancel", "Back")],
            ),
            answered,
        )


class TeamItemScreen(CompanionScreen):
    """One published item, read-only, as its member published it (diagram included)."""

    HELP_TEXT = (
        "An item a member of your team published, read-only, with its diagram. x exports it "
        "as Markdown."
    )
    BINDINGS: ClassVar = [
        Binding("x", "export", "Export", id="team_item.export"),
        Binding("escape", "app.pop_screen", "Back", id="team_item.back"),
    ]

    def __init__(self, services: Services, owner: str, item: TeamItem) -> None:
        super().__init__(services)
        self.owner = owner
        self.item = item

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(
            Content(
                f"Published by {one_line(self.owner, LISTED)} on {self.item.at[:10]} · read-only"
            ),
            classes="box-title",
            id="team-item-meta",
        )
        with VerticalScroll(id="team-item-body"):
            # Someone else's text: its links are named, not opened (a click opened a web page
            # or a file the teammate chose).
            yield MarkdownView(shown(self.item.text), id="team-item-markdown", open_links=False)
        yield Footer()

    @on(Markdown.LinkClicked, "#team-item-markdown")
    def _link(self, event: Markdown.LinkClicked) -> None:
        self.notify(
            f"Links in a teammate's item are not opened from here: {one_line(event.href)}",
            timeout=15,
            markup=False,
        )

    def on_mount(self) -> None:
        self.sub_title = "Team"
        self.query_one("#team-item-body").focus()

    def action_export(self) -> None:
        export_team_item(self, self.owner, self.item)


class PublishDialog(SaysInPlace, ModalScreen[list[TeamItem] | None]):
    """Choose records to publish, item by item: worksheets, reflections, recent entries and
    submitted surveys (never the journal as a whole)."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "Cancel", id="team_publish.cancel"),
        Binding("ctrl+s", "choose", "Publish", id="team_publish.choose"),
    ]
    DEFAULT_CSS = """
    PublishDialog { align: center middle; }
    PublishDialog > Vertical {
        width: 78; max-width: 100%; height: 100%; max-height: 24; padding: 0 1;
        border: thick $accent; background: $panel;
    }
    PublishDialog CheckList { height: 1fr; }
    PublishDialog #team-chosen { height: 1; color: $text-muted; }
    PublishDialog Horizontal.buttons { height: auto; align-horizontal: right; }
    """

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.labels: dict[str, str] = {}
        self.items = self._candidates()

    def _candidates(self) -> dict[str, TeamItem]:
        """What can be published, each with its label: the title, and under it what tells
        it from others of the same title (as the Share dialog shows them)."""
        services = self.services
        found: dict[str, TeamItem] = {}
        published = self._published()

        def offer(key: str, shared: SharedItem) -> None:
            found[key] = item = as_team_item(shared)
            detail = [shared.detail] if shared.detail else []
            if item.id in published:  # publishing again replaces it with this version
                detail.append(f"published {published[item.id][:10]}")
            self.labels[key] = "\n".join(
                [shared.title, " · ".join(detail)] if detail else [shared.title]
            )

        for sheet in services.worksheets.all():
            tool = services.library.get(sheet.tool_id)
            offer(f"w:{sheet.uid}", worksheet_item(sheet, tool if isinstance(tool, Tool) else None))
        for reflection in services.rhythm.reflections.all():
            offer(f"r:{reflection.month}", reflection_item(reflection, services.library.reflection))
        for entry in services.journal.recent(RECENT_ENTRIES):
            offer(f"e:{entry.uid}", entry_item(entry))
        code = str(services.settings.get(PARTICIPANT) or "").strip()
        if code:
            for response in services.rhythm.surveys.all():
                if response.status == SUBMITTED:
                    found[f"s:{response.key}"] = item = survey_item(response, code)
                    self.labels[f"s:{response.key}"] = (
                        f"{item.title}\nyour team sees it under your name; the cohort report, "
                        f"under {code}"
                    )
        return found

    def _published(self) -> dict[str, str]:
        """One's own items in the team now (item id -> when published), from the last copy
        this data folder kept of one's file."""
        cache = cache_of(self.services)
        membership = cache.membership()
        kept = cache.copies().get(membership.member) if membership is not None else None
        return {i.id: i.at for i in kept.state.live()} if kept is not None else {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Publish to the team: space chooses (☑); only what you choose goes")
            yield CheckList(
                [
                    (key, shown(self.labels.get(key, item.title)))
                    for key, item in self.items.items()
                ],
                id="team-publish-list",
            )
            yield Label("Nothing chosen yet.", id="team-chosen")
            yield Label("", id="dialog-message")  # what goes wrong, here, not in a toast
            with Horizontal(classes="buttons"):
                yield Button("Publish…", id="team-publish-go", variant="primary")
                yield Button("Cancel", id="team-publish-cancel")

    def on_mount(self) -> None:
        chooser = self.query_one("#team-publish-list", CheckList)
        if chooser.option_count:
            chooser.highlighted = 0
        chooser.focus()

    @on(CheckList.Changed, "#team-publish-list")
    def _chosen_changed(self) -> None:
        count = len(self.chosen())
        self.query_one("#team-chosen", Label).update(
            f"{count} chosen." if count else "Nothing chosen yet."
        )

    def chosen(self) -> list[TeamItem]:
        keys = self.query_one("#team-publish-list", CheckList).chosen
        return [self.items[key] for key in keys if key in self.items]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "team-publish-go":
            self.action_choose()
        else:
            self.action_cancel()

    def action_choose(self) -> None:
        items = self.chosen()
        if not items:
            self.notify("Choose at least one record (space).", severity="warning")
            return
        self.dismiss(items)

    def action_cancel(self) -> None:
        self.dismiss(None)
