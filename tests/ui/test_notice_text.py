"""What a person typed (a title, a path) shows in a notification as typed: square brackets are
text, never markup ('[/b]' ended the app with a MarkupError; '[$500]' and '[red]' vanished)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import AppFactory
from tests.helpers import journal_at
from tests.screen import screen_words
from tests.ui.test_data import open_data
from tests.ui.test_forms import open_with
from tests.waiting import wait_for

TITLE = "[/b] budget [$500] [red]late[/red]"


async def test_a_title_with_brackets_is_saved_and_said_as_typed(
    new_app: AppFactory, data_dir: Path
) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_with(pilot, ["n"], "Tags")  # the journal editor, at its title
        await pilot.press(*TITLE, "tab", *"the body")
        await pilot.press("ctrl+s")
        await wait_for(lambda: "Saved" in screen_words(app), "the saved notice", pilot)
        assert f"Saved “{TITLE}”." in screen_words(app)
    [entry] = journal_at(data_dir).all()
    assert entry.title == TITLE


async def test_an_import_path_with_brackets_is_said_as_typed(
    new_app: AppFactory, tmp_path: Path
) -> None:
    missing = tmp_path / "[/b] [$500]" / "export.json"
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_data(pilot)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*str(missing), "enter")
        await wait_for(lambda: "imported" in screen_words(app), "the import's message", pilot)
        assert "[$500]/export.json" in screen_words(app)  # the end of the path, as typed


async def test_a_notification_that_is_not_valid_markup_shows_as_written(
    new_app: AppFactory,
) -> None:
    """The net under every call: text that cannot be markup is shown as it is."""
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify("Moved aside: notes[/b].json")
        await wait_for(lambda: "notes[/b].json" in screen_words(app), "the notice", pilot)


async def test_titles_with_brackets_read_as_typed_in_lists_and_views(
    new_app: AppFactory, data_dir: Path
) -> None:
    """'[$500]' vanished from Home, the Journal's entry and the Tools list (Textual's escape
    lets '[$...]' through as a variable)."""
    from tests.helpers import seed_journal

    seed_journal(data_dir, ("Budget [$500] for [red]", "the body", ()))
    app = new_app(ask_role=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: "Budget" in screen_words(app), "Home's recent entries", pilot)
        assert "Budget [$500] for [red]" in screen_words(app)
        await open_with(pilot, ["t", "n"], "short title")  # a worksheet on the Iceberg
        await pilot.press(*"Fees [$20]", "enter")
        await wait_for(lambda: "Step 1 of" in screen_words(app), "the first step", pilot)
        await pilot.press(*"the event", "escape")
        await wait_for(lambda: "Fees" in screen_words(app), "the Tools list", pilot)
        assert "Fees [$20]" in screen_words(app)


async def test_a_broken_content_file_is_named_as_it_is(new_app: AppFactory, tmp_path: Path) -> None:
    """The content notice dropped '[$x]' from a file's name."""
    from csa_companion.paths import bundled_content_dir

    extra = tmp_path / "my-content"
    extra.mkdir()
    (extra / "tool [$x].md").write_text('+++\nid = "broken"\nkind = "tool"\n+++\nBody\n')
    app = new_app(content_dirs=[bundled_content_dir(), extra])
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await wait_for(lambda: "Skipped" in screen_words(app), "the content notice", pilot)
        assert "tool [$x].md" in screen_words(app)
