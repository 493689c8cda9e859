"""The Team screen and "publish to team" (from the Team screen, a worksheet, an entry and a
reflection), at 80x24: what the user sees, and what is in the team folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Label, OptionList, Static

from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.domain.sharing import worksheet_item
from csa_companion.domain.survey import PARTICIPANT
from csa_companion.domain.team import MemberState, from_shared, member_file
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import DataPaths, bundled_content_dir
from csa_companion.screens.dialogs import Choice
from csa_companion.screens.team.team import PublishDialog, TeamItemScreen, TeamScreen
from csa_companion.storage.crypto import Cipher, new_cipher, wrap
from csa_companion.storage.encryption import encrypt_folder, write_key
from csa_companion.storage.repos import SettingsRepo, WorksheetRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer.actions import ENCRYPTED_FOLDER_NOTE
from csa_companion.transfer.team import LOCAL, Membership, TeamCache, join, publish
from csa_companion.widgets.checklist import CheckList
from csa_companion.widgets.themes import THEMES
from tests.conftest import START, AppFactory
from tests.helpers import seed_journal
from tests.screen import screen_words
from tests.transfer_data import seed_everything
from tests.ui.test_palette import run as run_command
from tests.waiting import press_closing, wait_for, wait_for_screen

SIZE = (80, 24)


def cache_at(data: Path) -> TeamCache:
    return TeamCache(Stores(DataPaths(data))[LOCAL])


def team_of_two(data_dir: Path, tmp_path: Path) -> tuple[Path, Membership]:
    """A team folder where Ben published a worksheet with its diagram; the app's data folder
    (Ana's) has joined it."""
    folder = tmp_path / "OneDrive" / "csa-team"
    folder.mkdir(parents=True)
    ben_cache = cache_at(tmp_path / "ben")
    ben = join(ben_cache, folder, START, name="Ben", role="site coordinator")
    tool = load_library([bundled_content_dir()]).get("iceberg")
    assert isinstance(tool, Tool)
    sheet = Worksheet.new(tool, "Late pickups", START, team=True)
    sheet = sheet.with_answer(tool.steps[0].id, "Parents wait in the rain", START)
    shared = worksheet_item(sheet, tool)
    publish(
        ben_cache,
        ben,
        START,
        add=[from_shared("worksheet", sheet.uid, shared.title, shared.text, shared.document)],
    )
    ana = join(cache_at(data_dir), folder, START, name="Ana", role="director")
    return folder, ana


def own_titles(folder: Path, member: str) -> list[str]:
    state = MemberState.from_bytes((folder / member_file(member)).read_bytes())
    return [i.title for i in state.live()]


async def publish_dialog_labels(pilot: Pilot[None]) -> list[str]:
    """Open the publish dialog (p) and read its options as the user sees them."""
    await pilot.press("p")
    await wait_for_screen(pilot, PublishDialog)
    chooser = pilot.app.screen.query_one(CheckList)
    return [plain(chooser.get_option_at_index(i).prompt) for i in range(chooser.option_count)]


def encrypted(data_dir: Path) -> Cipher:
    """The data folder encrypted as `csa-companion encrypt` does it; the cipher to open it."""
    paths, cipher = DataPaths(data_dir), new_cipher()
    write_key(paths, wrap(cipher, "correct horse battery"))
    assert not encrypt_folder(paths, cipher).failed
    return cipher


async def open_team(pilot: Pilot[None]) -> TeamScreen:
    await run_command(pilot, "Go to Team")
    await wait_for_screen(pilot, TeamScreen)
    screen = pilot.app.screen
    assert isinstance(screen, TeamScreen)
    await wait_for(lambda: screen.view is not None, "the folder read", pilot)
    return screen


async def test_team_screen_without_a_team_says_how_to_join(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")  # Home's menu
        await wait_for_screen(pilot, TeamScreen)
        assert "team join FOLDER --name NAME" in screen_words(app)


async def test_team_screen_shows_members_opens_and_exports_an_item(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    team_of_two(data_dir, tmp_path)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_team(pilot)
        words = screen_words(app)
        assert "Ana · director · you" in words and "Ben · site coordinator" in words
        assert "Team worksheet: Late pickups" in words or "Worksheet: Late pickups" in words
        await pilot.press("enter")  # the first item is highlighted
        await wait_for_screen(pilot, TeamItemScreen)
        words = screen_words(app)
        assert "Published by Ben" in words and "read-only" in words
        assert "Parents wait in the rain" in words
        await pilot.press("x")
        exports = data_dir / "exports"
        await wait_for(lambda: any(exports.glob("team-Ben-worksheet-*.md")), "export", pilot)
        [exported] = exports.glob("team-Ben-worksheet-*.md")
        assert "## Diagram" in exported.read_text()


async def test_publish_from_the_team_screen_lists_first_then_withdraw(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    seed_everything(data_dir)
    SettingsRepo(Stores(DataPaths(data_dir))["settings"]).set(PARTICIPANT, "P-3")
    folder, ana = team_of_two(data_dir, tmp_path)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_team(pilot)
        labels = await publish_dialog_labels(pilot)
        chooser = app.screen.query_one(CheckList)
        survey = next(label for label in labels if "Survey answers: session 1, before" in label)
        # Teammates see it under the member's name (the Team screen shows who published it):
        # the code keeps it anonymous in the cohort report only, and the label says so.
        assert "your team sees it under your name; the cohort report, under P-3" in survey
        chooser.highlighted = next(
            n for n, label in enumerate(labels) if label.startswith("☐ Worksheet: Cafeteria")
        )
        await pilot.press("space")
        await wait_for(lambda: "1 chosen." in screen_words(app), "the count", pilot)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, Choice)
        dialog = app.screen
        assert isinstance(dialog, Choice)
        assert "Everyone in the team will see:\n• Worksheet: Cafeteria\n" in dialog.question
        assert own_titles(folder, ana.member) == []  # nothing goes before the answer
        await press_closing(pilot, "enter")
        await wait_for_screen(pilot, TeamScreen)
        assert own_titles(folder, ana.member) == ["Worksheet: Cafeteria"]
        await wait_for(lambda: "Worksheet: Cafeteria" in screen_words(app), "the list", pilot)
        labels = await publish_dialog_labels(pilot)  # offered again, said to be published
        again = next(label for label in labels if label.startswith("☐ Worksheet: Cafeteria"))
        assert again.endswith(f" · complete · published {START:%Y-%m-%d}")
        await press_closing(pilot, "escape")
        await wait_for_screen(pilot, TeamScreen)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, p in enumerate(prompts) if "Cafeteria" in p)
        await pilot.press("w")
        await wait_for_screen(pilot, Choice)
        await press_closing(pilot, "enter")
        await wait_for(lambda: "Cafeteria" not in screen_words(app), "the withdrawal", pilot)
        assert own_titles(folder, ana.member) == []


async def test_publish_from_a_worksheet_and_an_entry(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    folder, ana = team_of_two(data_dir, tmp_path)
    [entry] = seed_journal(data_dir, ("At pickup", "Noticed the rain", ()))
    tool = load_library([bundled_content_dir()]).get("iceberg")
    assert isinstance(tool, Tool)
    sheet = Worksheet.new(tool, "Our staffing", START).with_answer("events", "Short", START)
    sheet = sheet.completed(START)
    WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).save(sheet)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open("worksheet", sheet)
        await wait_for(lambda: "Our staffing" in screen_words(app), "the worksheet", pilot)
        await pilot.press("p")
        await wait_for_screen(pilot, Choice)
        assert "• Worksheet: Our staffing" in app.screen.question  # type: ignore[attr-defined]
        await press_closing(pilot, "enter")
        await wait_for(lambda: own_titles(folder, ana.member) != [], "published", pilot)
        app.open("entry", entry)
        await wait_for(lambda: "Noticed the rain" in screen_words(app), "the entry", pilot)
        await pilot.press("p")
        await wait_for_screen(pilot, Choice)
        await press_closing(pilot, "enter")
        await wait_for(lambda: len(own_titles(folder, ana.member)) == 2, "published", pilot)
    assert sorted(own_titles(folder, ana.member)) == ["Entry: At pickup", "Worksheet: Our staffing"]


async def test_offline_team_shows_the_last_copy_and_when(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    folder, _ = team_of_two(data_dir, tmp_path)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_team(pilot)
        assert "Late pickups" in screen_words(app)
        folder.rename(folder.with_name("unplugged"))
        await pilot.press("r")
        await wait_for(lambda: "offline" in screen_words(app), "the offline notice", pilot)
        words = screen_words(app)
        assert "Late pickups" in words and "last seen" in words


async def test_publish_a_reflection_from_its_month(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    seed_everything(data_dir)  # January 2027's reflection has answers
    folder, ana = team_of_two(data_dir, tmp_path)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open("reflection", "2027-01")
        await wait_for(lambda: "January 2027" in screen_words(app), "the reflection", pilot)
        await pilot.press("ctrl+t")
        await wait_for_screen(pilot, Choice)
        assert "• Monthly reflection: January 2027" in app.screen.question  # type: ignore[attr-defined]
        await press_closing(pilot, "enter")
        await wait_for(lambda: own_titles(folder, ana.member) != [], "published", pilot)
    assert own_titles(folder, ana.member) == ["Monthly reflection: January 2027"]


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
async def test_team_screens_read_at_4_5_to_1(
    new_app: AppFactory, data_dir: Path, tmp_path: Path, theme: str
) -> None:
    from tests.ui.test_contrast import Measure

    seed_everything(data_dir)
    team_of_two(data_dir, tmp_path)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        check = Measure(pilot)
        await open_team(pilot)
        await check("Team", "Ben", "nothing published yet")
        await pilot.press("enter")
        await wait_for_screen(pilot, TeamItemScreen)
        await check("Team, an item", "Published by Ben")
        app.pop_screen()
        await pilot.press("p")
        await wait_for_screen(pilot, PublishDialog)
        await check("Team, publish dialog", "Nothing chosen yet")
    check.assert_readable(theme)


async def test_take_a_copy_of_a_worksheet_a_member_handed_over(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    team_of_two(data_dir, tmp_path)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_team(pilot)
        await pilot.press("t")  # Ben's worksheet is highlighted
        repo = WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"])
        await wait_for(lambda: repo.all() != [], "the copy", pilot)
        [copy] = repo.all()
        assert copy.title == "Late pickups" and "Parents wait in the rain" in copy.answers.values()
        assert copy.team  # still asks as the team did


def plain(shown: object) -> str:
    """The text a prompt or a Static shows, as the user reads it (markup applied)."""
    return shown.plain if isinstance(shown, Content) else Content.from_markup(str(shown)).plain


def write_member(folder: Path, state: MemberState) -> None:
    """A member file as another (older, or hostile) program may have written it."""
    (folder / member_file(state.member)).write_bytes(state.to_bytes())


async def test_names_and_titles_from_the_folder_show_as_written_on_one_line(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    """A teammate's file is not ours: a name with brackets, an escape sequence, a line end or
    a right-to-left override, a title with a backslash and a bracket, show as plain text (no
    markup of ours leaks out, none of theirs applies), each member on one line."""
    folder, _ = team_of_two(data_dir, tmp_path)
    eve = MemberState(
        "0123456789ab",
        "Eve\x1b[31mRED\u202eevil",
        "site\ncoordinator",
        START.isoformat(),
        1,
        START.isoformat(),
        items={
            "entry:e1": replace(
                from_shared("entry", "e1", "a \\[ b [2J [red]c[/red]", "x", {}),
                at=START.isoformat(),
            ),
        },
    )
    write_member(folder, eve)
    (folder / "member-0123456789ab\x1b[2J.json").write_bytes(b"x")  # a damaged copy
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        options = screen.query_one("#team-list", OptionList)
        count = options.option_count
        prompts = [plain(options.get_option_at_index(n).prompt) for n in range(count)]
        status = plain(screen.query_one("#team-status", Static).visual)
    header = next(p for p in prompts if p.startswith("Eve"))
    assert header == "Eve\ufffd[31mRED\ufffdevil · site coordinator"
    assert any(p.endswith("a \\[ b [2J [red]c[/red]") for p in prompts)
    assert "[/b]" not in status and "member-0123456789ab\ufffd[2J.json was skipped" in status


async def test_many_damaged_files_leave_the_members_in_view_at_80x24(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    """A folder full of half-synced copies: the notices take a few lines, say how many more
    there are, and the members and their items stay on the screen."""
    folder, _ = team_of_two(data_dir, tmp_path)
    for n in range(8):
        (folder / f"member-{n:012x}.json").write_bytes(b'{"half')
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_team(pilot)
        words = screen_words(app)
    assert "and 6 more" in words and "team list" in words
    assert "Ben · site coordinator" in words and "Late pickups" in words


async def test_the_publish_dialog_shows_a_title_with_brackets_as_written(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    """'[$500]' is a variable in Textual's markup: an escaped label lost it ("Budget
    request"), and '\\[' lost its backslash."""
    seed_journal(data_dir, ("Budget [$500] ask \\[draft]", "For the spring", ()))
    team_of_two(data_dir, tmp_path)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_team(pilot)
        labels = await publish_dialog_labels(pilot)
        chooser = app.screen.query_one(CheckList)
        assert labels[0].startswith("☐ Entry: Budget [$500] ask \\[draft]\n  written ")
        await pilot.press("space")
        assert plain(chooser.get_option_at_index(0).prompt) == f"☑ {labels[0][2:]}"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, Choice)
        question = plain(app.screen.query_one("#question", Label).visual)
        assert "• Entry: Budget [$500] ask \\[draft]\n" in question


async def test_a_damaged_team_key_is_a_clear_message_on_the_team_and_cohort_screens(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    """The team key kept in the data folder no longer decodes: both screens say so in one
    line and stay up (the app crashed with a traceback from either)."""
    from csa_companion.screens.team.cohort import CohortScreen

    folder = tmp_path / "csa-team"
    folder.mkdir()
    cache = cache_at(data_dir)
    join(cache, folder, START, name="Ana", encrypt=True, passphrase=lambda new: "pw pw pw pw")
    with cache.store.transaction():
        cache.store.table("membership").update({"team_key": "not base64 at all!"})
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, "Go to Team")
        await wait_for_screen(pilot, TeamScreen)
        said = "team key kept in this data folder (team.json) is damaged"
        await wait_for(lambda: said in screen_words(app), "the Team screen's message", pilot)
        await run_command(pilot, "Go to Cohort report")
        await wait_for_screen(pilot, CohortScreen)
        await pilot.press("enter")  # the team's folder is filled in
        await wait_for(lambda: said in screen_words(app), "the Cohort screen's message", pilot)
        assert app.is_running


async def test_taking_a_copy_of_an_unreadable_worksheet_says_so_and_saves_nothing(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    """A teammate's file (an older or a hand-edited one) whose worksheet has answers that are
    not step: text pairs: t says it cannot be taken (it crashed the app) and nothing is kept."""
    folder, _ = team_of_two(data_dir, tmp_path)
    ben = next(p for p in folder.glob("member-*.json") if "Ben" in p.read_text())
    state = MemberState.from_bytes(ben.read_bytes())
    [(ident, sheet)] = state.items.items()
    document = sheet.document | {"answers": ["not", "a", "mapping"]}
    items = {ident: replace(sheet, document=document, rev=sheet.rev + 1)}
    write_member(folder, replace(state, seq=state.seq + 1, items=items))
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_team(pilot)
        await pilot.press("t")
        await wait_for(
            lambda: (
                "This worksheet cannot be taken" in " ".join(n.message for n in app._notifications)
            ),
            "the message",
            pilot,
        )
        assert app.is_running
    assert WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).all() == []


async def test_a_link_in_a_teammates_item_is_shown_not_opened(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    """A published item's Markdown is someone else's: a click on its link (to a web page or a
    file) opened it in the browser; it is named instead, for the person to open if they trust it."""
    from textual.widgets import Markdown

    team_of_two(data_dir, tmp_path)
    app = new_app()
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await open_team(pilot)
        await pilot.press("enter")
        await wait_for_screen(pilot, TeamItemScreen)
        markdown = app.screen.query_one("#team-item-markdown", Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "https://example.org/x"))
        await wait_for(
            lambda: any("https://example.org/x" in n.message for n in app._notifications),
            "the link named",
            pilot,
        )
        assert opened == []


async def test_a_very_long_name_or_title_is_cut_in_the_list_and_whole_when_opened(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    """A teammate's 5,000-character name and title took 60 lines each of the list at 80x24."""
    folder, _ = team_of_two(data_dir, tmp_path)
    title = "Long " * 1000
    long = MemberState(
        "0123456789ab",
        "Name" * 1250,
        "",
        START.isoformat(),
        1,
        START.isoformat(),
        items={
            "entry:e1": replace(from_shared("entry", "e1", title, title, {}), at=START.isoformat())
        },
    )
    write_member(folder, long)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot)
        options = screen.query_one("#team-list", OptionList)
        count = options.option_count
        prompts = [plain(options.get_option_at_index(n).prompt) for n in range(count)]
        assert max(len(p) for p in prompts) <= 130
        header = next(p for p in prompts if p.startswith("Name"))
        entry = next(p for p in prompts if "Long Long" in p)
        assert header.endswith("…") and entry.endswith("…")
        options.highlighted = prompts.index(entry)
        await pilot.press("enter")
        await wait_for_screen(pilot, TeamItemScreen)
        assert app.screen.item.title == title  # type: ignore[attr-defined]
        meta = plain(app.screen.query_one("#team-item-meta", Label).visual)
        assert meta.startswith("Published by Name") and len(meta) < 140


async def test_an_item_exported_from_an_encrypted_data_folder_says_it_is_plain_text(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    team_of_two(data_dir, tmp_path)
    app = new_app(cipher=encrypted(data_dir))
    async with app.run_test(size=SIZE) as pilot:
        await open_team(pilot)
        await pilot.press("x")  # Ben's worksheet is highlighted
        await wait_for(
            lambda: any("Exported to" in n.message for n in app._notifications), "export", pilot
        )
        [said] = [n.message for n in app._notifications if "Exported to" in n.message]
        assert said.endswith(f"({ENCRYPTED_FOLDER_NOTE})")
