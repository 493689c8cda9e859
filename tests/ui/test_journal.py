"""The journal, driven through the real app as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label, Markdown, TextArea

from csa_companion.screens.home import DESTINATIONS, HomeScreen
from csa_companion.screens.journal import journal as journal_screen
from csa_companion.screens.journal.editor import EntryEditorScreen
from csa_companion.screens.journal.entry_view import EntryViewScreen
from csa_companion.screens.journal.journal import JournalScreen
from csa_companion.storage.journal_store import JournalStore
from csa_companion.widgets.entry_list import EntryList
from tests.conftest import AppFactory
from tests.helpers import (
    journal_at,
    near_boundaries,
    reports_after_quitting_mid_render,
    seed_journal,
)
from tests.screen import screen_text, screen_words
from tests.waiting import press_closing, wait_for, wait_for_screen


async def test_app_starts_on_home(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        text = screen_text(app)
        for _, key, name, about in DESTINATIONS:
            assert f"{key}  {name}" in text
            assert about in text  # on one line: nothing wraps at 80 columns
        assert "Start here" in text  # a new folder: where to begin, in place of the entries


async def test_written_entry_is_there_in_a_new_app(new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        await wait_for_screen(pilot, EntryEditorScreen)
        # top to bottom, as the fields are shown: title, Tab, body, Tab, tags
        await pilot.press(*"Pickup time", "tab", *"Noticed the shoving at check-in again", "tab")
        await pilot.press(*"iceberg, Site Visit")
        await press_closing(pilot, "ctrl+s")
        assert isinstance(app.screen, HomeScreen)
        assert "Pickup time" in screen_text(app)

    [saved] = journal_at(data_dir).all()
    assert (saved.title, saved.body, saved.tags) == (
        "Pickup time",
        "Noticed the shoving at check-in again",
        ("iceberg", "site-visit"),
    )
    assert saved.created.tzinfo is not None

    again = new_app()
    async with again.run_test(size=(100, 32)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        text = screen_text(again)
        assert "Pickup time" in text and "#site-visit" in text
        await pilot.press("enter")
        await wait_for_screen(pilot, EntryViewScreen)
        assert "Noticed the shoving at check-in again" in screen_text(again)


async def test_empty_entry_is_not_saved(new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("n")
        await wait_for_screen(pilot, EntryEditorScreen)
        await pilot.press("ctrl+s")
        await wait_for(lambda: "Write something first" in screen_text(app), "a warning", pilot)
        assert isinstance(app.screen, EntryEditorScreen)
    assert journal_at(data_dir).all() == []


async def test_search_and_tag_filter(new_app: AppFactory, data_dir: Path) -> None:
    seed_journal(
        data_dir,
        ("Coaching call", "We talked about the ladder of inference.", ("coaching",)),
        ("Staff huddle", "Courteous compliance again; nobody opposed.", ("four-player",)),
        ("Second coaching call", "Back to the iceberg: patterns at pickup.", ("coaching",)),
    )
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        listing = app.screen.query_one(EntryList)
        assert [e.display_title for e in listing.entries] == [
            "Second coaching call",
            "Staff huddle",
            "Coaching call",
        ]
        await pilot.press("slash", *"iceberg")
        await wait_for(lambda: len(listing.entries) == 1, "one match", pilot)
        text = screen_text(app)
        assert "Second coaching call" in text and "Staff huddle" not in text
        assert "1 of 3 entries" in text

        await pilot.press("escape")  # clears the search
        await wait_for(lambda: len(listing.entries) == 3, "all entries again", pilot)
        app.screen.query_one("#tag").value = "coaching"  # type: ignore[attr-defined]
        await wait_for(lambda: len(listing.entries) == 2, "the coaching tag only", pilot)
        assert "Staff huddle" not in screen_text(app)
        await pilot.press("slash", *"nothing-like-this")
        await wait_for(lambda: not listing.entries, "no matches", pilot)
        assert "No entries match" in screen_text(app)


async def test_typing_narrows_and_deleting_widens_the_list_letter_by_letter(
    new_app: AppFactory, data_dir: Path
) -> None:
    """Each keystroke shows what the whole journal gives for the query so far, while the
    search narrows from the last results (a grown word is looked for from where it was)."""
    seed_journal(
        data_dir,
        ("Ice", "Ice cold, and an iceberg only later.", ()),
        ("Berg", "A berg of ice: not the word.", ("iceberg",)),
        ("Trust", "Trust and the iceberg.", ("trust",)),
        ("Other", "Nothing here.", ()),
    )
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        listing = app.screen.query_one(EntryList)

        async def shows(titles: list[str]) -> None:
            def listed() -> list[str]:
                return [e.display_title for e in listing.entries]

            await wait_for(lambda: listed() == titles, str(titles), pilot)
            text = screen_text(app)
            assert all(title in text for title in titles)

        await pilot.press("slash")
        for key, titles in [
            ("i", ["Other", "Trust", "Berg", "Ice"]),  # "nothing"
            ("c", ["Trust", "Berg", "Ice"]),
            ("e", ["Trust", "Berg", "Ice"]),
            ("b", ["Trust", "Berg", "Ice"]),  # Ice holds "ice" before its "iceb"
            ("z", []),
            ("backspace", ["Trust", "Berg", "Ice"]),
            ("space", ["Trust", "Berg", "Ice"]),
            ("t", ["Trust", "Berg", "Ice"]),  # "iceb" and "t": Berg by "#iceberg" and "not"
            ("r", ["Trust"]),
            *(("backspace", ["Trust", "Berg", "Ice"]) for _ in range(5)),  # back to "ic"
            ("backspace", ["Other", "Trust", "Berg", "Ice"]),
            ("backspace", ["Other", "Trust", "Berg", "Ice"]),
        ]:
            await pilot.press(key)
            await shows(titles)
        assert "4 entries" in screen_text(app)


async def test_the_list_holds_no_bodies_but_preview_open_star_and_edit_use_the_whole_entry(
    new_app: AppFactory, data_dir: Path
) -> None:
    """The list keeps rows without bodies (issue 21, item 4): the preview and the entry
    screen read the whole body from its month, and a star or an edit saves it whole."""
    body = "First line\n\n" + "\n\n".join(f"Paragraph {n} of a long entry." for n in range(40))
    seed_journal(data_dir, ("Long one", body, ("deep",)), ("Short", "Just this.", ()))
    app = new_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        listing = app.screen.query_one(EntryList)
        assert not hasattr(listing.entries[0], "body")
        preview = app.screen.query_one("#preview", Markdown)
        await wait_for(lambda: preview.source == "Just this.", "the newest entry's preview", pilot)
        await pilot.press("down")
        await wait_for(lambda: preview.source == body, "the whole body in the preview", pilot)
        await pilot.press("s")  # star
        await wait_for(lambda: listing.entries[1].starred, "the star shown", pilot)
        assert journal_at(data_dir).get(listing.entries[1].uid).body == body  # type: ignore[union-attr]
        await pilot.press("enter")
        await wait_for_screen(pilot, EntryViewScreen)
        shown = app.screen.query_one("#entry-markdown", Markdown)
        assert shown.source == body
    [long] = [e for e in journal_at(data_dir).all() if e.title == "Long one"]
    assert (long.body, long.starred, long.tags) == (body, True, ("deep",))


async def test_list_scrollbar_comes_and_goes_with_the_matches(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_journal(data_dir, *((f"Entry {n}", f"note {n}", ()) for n in range(60)))
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        listing = app.screen.query_one(EntryList)
        await pilot.press("end")
        await wait_for(lambda: listing.scroll_y > 0, "the list scrolled to the end", pilot)
        assert listing.show_vertical_scrollbar
        await pilot.press("slash", *"59")
        await wait_for(lambda: len(listing.entries) == 1, "one match", pilot)
        assert "1 of 60 entries" in screen_text(app)
        await wait_for(lambda: not listing.show_vertical_scrollbar, "no scrollbar", pilot)
        assert listing.scroll_y == 0 and "Entry 59" in screen_text(app)
        await pilot.press("backspace", "backspace")  # no query: all 60 again
        await wait_for(lambda: len(listing.entries) == 60, "every entry", pilot)
        await wait_for(lambda: listing.show_vertical_scrollbar, "the scrollbar back", pilot)
        assert listing.virtual_size.height == 60


async def test_a_long_journal_lists_the_first_matches_at_once_and_the_rest_as_found(
    new_app: AppFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search looks at SEARCH_STEP entries before the list is shown, then at more after each
    repaint, saying "Searching" until it is done: at 50,000 entries the first screenful shows
    in a few milliseconds. What is listed is always the first of the whole result; the cursor
    stays on its entry when the search finds it later; undo finds the restored entry."""
    monkeypatch.setattr(journal_screen, "SEARCH_STEP", 2)  # 9 entries: five steps
    monkeypatch.setattr(journal_screen, "SEARCH_MORE_SECONDS", 0)  # one step a repaint
    words = ("iceberg", "trust", "circle")
    seed_journal(
        data_dir,
        *((f"Entry {n}", f"{words[n % 3]} and {words[n % 2]}", ()) for n in range(9)),
    )
    shown: list[tuple[list[str], str]] = []
    show_found = JournalScreen._show_found

    def recorded(screen: JournalScreen) -> None:
        show_found(screen)
        count = str(screen.query_one("#journal-count", Label).content)
        shown.append(([e.display_title for e in screen.query_one(EntryList).entries], count))

    monkeypatch.setattr(JournalScreen, "_show_found", recorded)
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        listing = app.screen.query_one(EntryList)
        await pilot.press("end", "up")  # Entry 1, the second oldest
        assert listing.current is not None and listing.current.display_title == "Entry 1"

        shown.clear()
        await pilot.press("slash", "l")  # circle: entries 2, 5, 8 (newest first: 8, 5, 2)
        circle = ["Entry 8", "Entry 5", "Entry 2"]
        await wait_for(lambda: "3 of 9 entries" in screen_text(app), "the whole result", pilot)
        assert [titles for titles, _ in shown][-1] == circle
        assert len(shown) > 2  # in steps
        for titles, count in shown[:-1]:
            assert titles == circle[: len(titles)]
            assert count == f"Searching: {len(titles)} of 9 entries so far"
        assert "Entry 8" in screen_text(app)

        await pilot.press("escape")  # clears the search
        await wait_for(lambda: "9 entries" in screen_text(app), "everything", pilot)
        await pilot.press("enter", "end", "up")  # to the list
        assert listing.current is not None and listing.current.display_title == "Entry 1"
        await pilot.press("slash", "u")  # trust: 7, 5, 4, 3, 1: the cursor's entry found last
        await wait_for(lambda: "5 of 9 entries" in screen_text(app), "trust's result", pilot)
        assert listing.current is not None and listing.current.display_title == "Entry 1"

        await pilot.press("escape")
        await wait_for(lambda: "9 entries" in screen_text(app), "everything", pilot)
        await pilot.press("enter", "d")  # delete Entry 1, search, undo: the cursor goes to it
        await wait_for(lambda: "Delete “Entry 1”?" in screen_text(app), "the question", pilot)
        await press_closing(pilot, "enter")
        await wait_for(lambda: "8 entries" in screen_text(app), "the entry deleted", pilot)
        await pilot.press("slash", "a", "n", "d", "enter")  # in every entry; to the list
        await wait_for(lambda: "Searching" not in screen_text(app), "the search done", pilot)
        await pilot.press("ctrl+z")
        await wait_for(lambda: "9 entries" in screen_text(app), "the entry restored", pilot)
        assert listing.current is not None and listing.current.display_title == "Entry 1"


async def test_delete_asks_then_undo_restores(new_app: AppFactory, data_dir: Path) -> None:
    seed_journal(data_dir, ("Keep me", "first", ()), ("Delete me", "second", ("x",)))
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        journal = app.screen
        await pilot.press("d")
        await wait_for(lambda: "Delete “Delete me”?" in screen_text(app), "the question", pilot)
        await press_closing(pilot, "escape")  # keeps it
        assert app.screen is journal
        assert len(journal_at(data_dir).all()) == 2

        await pilot.press("d")
        await wait_for(lambda: "Delete “Delete me”?" in screen_text(app), "the question", pilot)
        await press_closing(pilot, "enter")  # "Delete" is the focused, first button
        await wait_for(lambda: len(journal_at(data_dir).all()) == 1, "the entry deleted", pilot)
        await wait_for(lambda: "Delete me" not in screen_text(app), "the list updated", pilot)

        await pilot.press("ctrl+z")
        await wait_for(lambda: len(journal_at(data_dir).all()) == 2, "the entry restored", pilot)
        await wait_for(lambda: "Delete me" in screen_text(app), "the entry listed again", pilot)
        restored = journal_at(data_dir).get(journal.query_one(EntryList).entries[0].uid)
        assert restored is not None and restored.tags == ("x",)


async def test_star_from_the_list(new_app: AppFactory, data_dir: Path) -> None:
    seed_journal(data_dir, ("Bright spot", "The check-in went well.", ()))
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        await pilot.press("s")
        await wait_for(lambda: journal_at(data_dir).all()[0].starred, "the star stored", pilot)
        assert "★" in screen_text(app)


async def test_entry_added_from_the_shell_appears(new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        seed_journal(data_dir, ("From the shell", "quick capture", ()))  # another writer
        await wait_for(lambda: "From the shell" in screen_text(app), "the new entry", pilot)
        assert "1 entry" in screen_text(app)


async def test_saved_entry_shows_in_the_list_at_once(new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        journal = app.screen
        assert "No entries yet" in screen_text(app)
        await pilot.press("n")
        await wait_for_screen(pilot, EntryEditorScreen)
        await pilot.press("tab", *"Shoving at check-in")
        await press_closing(pilot, "ctrl+s")
        assert app.screen is journal
        await wait_for(lambda: "Shoving at check-in" in screen_text(app), "the new entry", pilot)
        assert "No entries yet" not in screen_text(app) and "1 entry" in screen_text(app)

        await pilot.press("e")  # an edited title shows at once too
        await wait_for_screen(pilot, EntryEditorScreen)
        app.screen.query_one("#title").focus()
        await pilot.press(*"Check-in")
        await press_closing(pilot, "ctrl+s")
        assert app.screen is journal
        await wait_for(lambda: "Check-in" in screen_text(app), "the new title", pilot)
        [entry] = journal_at(data_dir).all()
        assert entry.title == "Check-in"


async def test_editor_goes_top_to_bottom_and_edit_resumes_at_the_end(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_journal(data_dir, ("Pickup", "First line\nSecond line", ()))
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        await pilot.press("n")
        await wait_for_screen(pilot, EntryEditorScreen)
        editor = app.screen
        order = []
        for _ in range(3):
            await wait_for(lambda: editor.focused is not None, "a focused field", pilot)
            assert editor.focused is not None
            order.append(editor.focused.id)
            await pilot.press("tab")
        assert order == ["title", "body", "tags"]
        await press_closing(pilot, "escape")

        await pilot.press("e")
        await wait_for_screen(pilot, EntryEditorScreen)
        assert app.screen.focused is app.screen.query_one("#body")
        await pilot.press(*" and more")
        body = app.screen.query_one("#body", TextArea)
        await wait_for(lambda: body.text.endswith("Second line and more"), "text at the end", pilot)
        assert "Second line and more" in screen_text(app)


async def test_tabbing_into_title_or_tags_adds_to_them_without_replacing_them(
    new_app: AppFactory, data_dir: Path
) -> None:
    """Tab into a field selected all of it, so the first key typed replaced the entry's
    title or every tag it had."""
    seed_journal(data_dir, ("Pickup", "notes", ("coaching",)))
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        await pilot.press("e")
        await wait_for_screen(pilot, EntryEditorScreen)
        await pilot.press("tab", *", team", "shift+tab", "shift+tab", *" day")
        await press_closing(pilot, "ctrl+s")
    [entry] = journal_at(data_dir).all()
    assert (entry.title, entry.tags) == ("Pickup day", ("coaching", "team"))


async def test_an_escape_sequence_in_an_entry_is_shown_not_sent_to_the_terminal(
    new_app: AppFactory, data_dir: Path
) -> None:
    """An entry piped in with "\x1b[2J" cleared the terminal when the preview or the entry
    was shown (the escape went out as it was)."""
    from textual.widgets import Markdown

    seed_journal(data_dir, ("", "evil\x1b[2J\x1b[31mred", ()))
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        preview = app.screen.query_one("#preview", Markdown)
        await wait_for(lambda: "red" in preview.source, "the preview", pilot)
        assert preview.source == "evil\ufffd[2J\ufffd[31mred"
        await pilot.press("enter")
        await wait_for_screen(pilot, EntryViewScreen)
        assert app.screen.query_one("#entry-markdown", Markdown).source == preview.source
    [entry] = journal_at(data_dir).all()
    assert entry.body == "evil\x1b[2J\x1b[31mred"  # kept as written


async def test_a_tag_with_no_letter_or_digit_is_named_when_saving(
    new_app: AppFactory, data_dir: Path
) -> None:
    """Typed tags such as "!!!" vanished on save without a word."""
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        await pilot.press("n")
        await wait_for_screen(pilot, EntryEditorScreen)
        await pilot.press("tab", *"notes", "tab", *"ok, !!!")
        await press_closing(pilot, "ctrl+s")
        await wait_for(
            lambda: "Left out the tag “!!!”: a tag needs a letter or a digit." in screen_words(app),
            "the notice",
            pilot,
        )
    [entry] = journal_at(data_dir).all()
    assert entry.tags == ("ok",)


async def test_long_tags_end_in_an_ellipsis(new_app: AppFactory, data_dir: Path) -> None:
    tags = ("coaching", "site-visit", "iceberg", "four-player", "ladder-of-inference", "families")
    seed_journal(data_dir, ("Coaching call", "notes", tags))
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        [row] = [line for line in screen_text(app).splitlines() if "Coaching call" in line]
        assert "#coaching #site-visit" in row
        assert row.rstrip(" ▎▊").endswith("…"), row


async def test_search_finds_tags_as_shown_and_ignores_accents(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_journal(
        data_dir,
        ("Call with Ana", "Notes from our call.", ("coaching",)),
        ("Team meeting", "We talked about coaching in general.", ()),
        ("Café chat", "Over coffee with families.", ()),
    )
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        listing = app.screen.query_one(EntryList)
        await pilot.press("slash", *"#coaching")
        await wait_for(lambda: len(listing.entries) == 1, "the tagged entry only", pilot)
        assert "Call with Ana" in screen_text(app) and "1 of 3 entries" in screen_text(app)
        await pilot.press(*["backspace"] * len("#coaching"), *"cafe")
        await wait_for(lambda: len(listing.entries) == 1, "the café entry", pilot)
        assert "Café chat" in screen_text(app)


async def test_an_entry_opened_from_home_is_read_from_its_month_alone(
    new_app: AppFactory, data_dir: Path
) -> None:
    """Home's recent entries open without reading the whole journal (at 50,000 entries,
    ~1.1 s and ~250 MB)."""
    made = near_boundaries(data_dir)
    newest = max(made, key=lambda e: e.created)
    app = new_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        app.screen.query_one("#home-recent").focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, EntryViewScreen)
        assert newest.display_title in screen_text(app)
        journal = app.services.journal
        assert journal._cache is None
        assert isinstance(journal.store, JournalStore) and "2026-09" not in journal.store._periods


async def test_ctrl_q_while_the_preview_renders_prints_nothing_after_the_app(
    new_app: AppFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ctrl+q while the preview's Markdown was parsed (in an executor) canceled an update
    nobody awaited: once the app had gone, asyncio printed "_GatheringFuture exception was
    never retrieved" and a CancelledError traceback on the terminal."""
    seed_journal(data_dir, ("Older", "Older *body*", ()), ("Newer", "Newer *body*", ()))
    reports = await reports_after_quitting_mid_render(new_app(), monkeypatch, "j", JournalScreen)
    assert reports == []
