"""Tools: pick a tool, read its lesson, start or resume worksheets."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Label, Markdown, OptionList
from textual.widgets.option_list import Option

from csa_companion.content.loader import internal_link_target
from csa_companion.content.model import Tool
from csa_companion.domain.facilitation import lesson_markdown
from csa_companion.domain.wording import plural, quoted
from csa_companion.domain.worksheet import Worksheet
from csa_companion.screens.base import CompanionScreen, DraftPlace
from csa_companion.screens.dialogs import Ask
from csa_companion.screens.tools.worksheets import open_worksheet, worksheet_label
from csa_companion.services import Services
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markdown_view import MarkdownView
from csa_companion.widgets.markup import escape


class ToolsScreen(CompanionScreen):
    """The five tools (and any a facilitator added), with the person's worksheets."""

    DEFAULT_CSS = """
    #tools { height: 1fr; }
    #tool-list { width: 34; max-width: 40%; }
    #tool-detail { width: 1fr; }
    #tool-summary { padding: 0 1; width: 100%; }
    #worksheets { height: auto; max-height: 8; }
    #tool-lesson { height: 1fr; padding: 0 1; }
    """

    HELP_TEXT = (
        "Choose a tool on the left to read what it is for. Press n to take a real situation "
        "through it step by step; your worksheets for the tool are listed on the right (drafts "
        "resume where you left off); t starts one for your team, with the prompts asked as "
        '"we". For the Four Player Model, o starts observer mode. Links in a lesson open the '
        "tool or page they name."
    )
    BINDINGS = [
        # At 80 columns the footer holds about 68 cells of keys; help lists the hidden ones.
        Binding("n", "new", "New worksheet", id="tools.new"),
        Binding("t", "new_team", "New team worksheet", id="tools.new_team", show=False),
        Binding("o", "observe", "Observe", id="tools.observe"),
        Binding("w", "focus_worksheets", "Worksheets", id="tools.worksheets", show=False),
        Binding("ctrl+z,u", "undo", "Undo delete", id="tools.undo"),
        Binding("escape", "back", "Back", id="tools.back"),
    ]

    def __init__(self, services: Services, tool_id: str | None = None) -> None:
        super().__init__(services)
        self.tools = services.library.tools
        chosen = [t for t in self.tools if t.id == tool_id] or self.tools
        self.tool: Tool | None = chosen[0] if chosen else None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="tools"):
            yield OptionList(
                *(Option(t.title, id=t.id) for t in self.tools), id="tool-list", classes="boxed"
            )
            with Vertical(id="tool-detail"):
                yield Label("", id="tool-summary")
                yield OptionList(id="worksheets", classes="boxed")
                with VerticalScroll(id="tool-lesson"):
                    yield MarkdownView("", id="tool-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Tools"
        tool_list = self.query_one("#tool-list", OptionList)
        tool_list.focus()
        if self.tool is not None:
            tool_list.highlighted = self.tools.index(self.tool)
        self.show_tool()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.show_tool(keep_lesson=True)

    def show_tool(self, keep_lesson: bool = False) -> None:
        tool = self.tool
        if tool is None:
            self.query_one("#tool-summary", Label).update("No tools found in the content.")
            return
        steps = plural(len(tool.steps), "step")
        self.query_one("#tool-summary", Label).update(
            f"[b]{escape(tool.title)}[/b]: {escape(tool.summary)}\n{steps} · n new worksheet"
            " · t for your team" + (" · o observe a meeting" if tool.acts else "")
        )
        # Group worksheets (typed on a shared screen) come after the person's own.
        sheets = sorted(self.services.worksheets.all(tool.id), key=lambda w: w.group)
        listing = self.query_one("#worksheets", OptionList)
        listing.clear_options()
        listing.add_options(Option(worksheet_label(w), id=w.uid) for w in sheets)
        if sheets:
            listing.highlighted = 0
        else:
            listing.add_option(Option("No worksheets yet: press n to start one.", disabled=True))
        if not keep_lesson:
            self.query_one("#tool-markdown", MarkdownView).show(lesson_markdown(tool))
            self.query_one("#tool-lesson", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "observe":
            return self.tool is not None and bool(self.tool.acts)
        return True

    @on(OptionList.OptionHighlighted, "#tool-list")
    def _tool_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # stale: the list's first highlight, arriving after on_mount chose a tool
        tool = self.services.library.get(event.option.id or "")
        if isinstance(tool, Tool) and tool is not self.tool:
            self.tool = tool
            self.show_tool()

    @on(OptionList.OptionSelected, "#tool-list")
    def _tool_selected(self) -> None:
        self.action_focus_worksheets()

    @on(OptionList.OptionSelected, "#worksheets")
    def _worksheet_selected(self, event: OptionList.OptionSelected) -> None:
        worksheet = self.services.worksheets.get(event.option.id or "")
        if worksheet is not None:
            open_worksheet(self, worksheet)

    def action_focus_worksheets(self) -> None:
        self.query_one("#worksheets", OptionList).focus()

    @on(Markdown.LinkClicked, "#tool-markdown")
    def _link(self, event: Markdown.LinkClicked) -> None:
        """A link in a lesson: another tool is shown here; a page opens in Learn."""
        event.prevent_default()
        target = internal_link_target(event.href)
        item = self.services.library.get(target) if target else None
        if isinstance(item, Tool):
            self.query_one("#tool-list", OptionList).highlighted = self.tools.index(item)
        elif item is not None:
            self.open("learn", item.id)
        else:
            self.notify(f"This link points outside the companion: {event.href}", markup=False)

    def _start(self, title_prompt: str, default: str, observe: bool, team: bool = False) -> None:
        tool = self.tool
        if tool is None:
            return

        def named(title: str | None) -> None:
            if title is None:
                return
            # Stored with its first answer or act: leaving at once leaves no empty draft.
            worksheet = Worksheet.new(tool, title, self.services.clock.now(), team=team)
            if observe:
                self.open("observer", tool, worksheet)
            else:
                open_worksheet(self, worksheet)

        kind = "team" if team else "observed" if observe else "own"
        place = DraftPlace(self.services.settings, f"worksheet-title:{tool.id}:{kind}")
        self.app.push_screen(Ask(title_prompt, default, place=place), named)

    def action_new(self) -> None:
        if self.tool is not None:
            self._start(
                "Give this situation a short title:",
                f"Situation of {self.services.clock.now():%d %b}",
                observe=False,
            )

    def action_new_team(self) -> None:
        if self.tool is not None:
            self._start(
                "Give your team's situation a short title:",
                f"Situation of {self.services.clock.now():%d %b}",
                observe=False,
                team=True,
            )

    def action_observe(self) -> None:
        if self.tool is not None and self.tool.acts:
            self._start(
                "Which meeting are you observing?",
                f"Meeting, {self.services.clock.now():%d %b %H:%M}",
                observe=True,
            )

    def action_undo(self) -> None:
        deleted = self.services.deleted_worksheets
        if not deleted:
            self.notify("Nothing to undo.", severity="warning")
            return
        sheet = deleted[-1]
        if self.store_call(lambda: self.services.worksheets.save(sheet)):
            deleted.pop()
            self.reload()
            self.notify(f"Restored {quoted(sheet.title)}.", markup=False)

    def action_back(self) -> None:
        self.dismiss()
