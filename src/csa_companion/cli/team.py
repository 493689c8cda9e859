"""Shell commands for the team folder: `team join`, `publish`, `withdraw`, `list` and `leave`
(the engine is transfer/team.py; the folder's format is in its docstring)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from csa_companion.cli.common import Commands, Shell, say
from csa_companion.clock import SystemClock
from csa_companion.domain.wording import one_line
from csa_companion.errors import UsageError
from csa_companion.paths import expanded
from csa_companion.storage.store import Stores

if TYPE_CHECKING:
    from csa_companion.domain.team import TeamItem
    from csa_companion.transfer.team import Membership, TeamCache


def add_parsers(commands: Commands[argparse.ArgumentParser]) -> None:
    team = commands.add_parser(
        "team", help="publish chosen records to your team through a folder your team syncs"
    )
    actions = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    join = actions.add_parser(
        "join", help="join the team whose folder this is (or start one in an empty folder)"
    )
    join.add_argument("folder", metavar="FOLDER", help="the team's folder, kept in step by sync")
    join.add_argument("--name", help="the name your team will see")
    join.add_argument("--role", default="", help="your role (director, site coordinator, ...)")
    join.add_argument(
        "--as",
        dest="as_id",
        metavar="ID",
        help="join as yourself from another computer (the id `team list` shows)",
    )
    join.add_argument(
        "--encrypt",
        action="store_true",
        help="start the team with its files encrypted by a team passphrase (asked twice)",
    )
    publish = actions.add_parser("publish", help="publish chosen records to the team")
    publish.add_argument("--worksheet", action="append", default=[], metavar="ID")
    publish.add_argument("--reflection", action="append", default=[], metavar="YYYY-MM")
    publish.add_argument("--entry", action="append", default=[], metavar="ID")
    publish.add_argument(
        "--surveys",
        action="store_true",
        help="your submitted survey answers, under your participant code (for the assessment)",
    )
    withdraw = actions.add_parser("withdraw", help="take back an item you published")
    withdraw.add_argument("id", metavar="ID", help="the item's id, as `team list` shows it")
    listing = actions.add_parser("list", help="every member's published items, newest first")
    listing.add_argument("--json", action="store_true", help="print JSON")
    leave = actions.add_parser("leave", help="leave the team (what you published stays)")
    leave.add_argument(
        "--hand-over",
        action="store_true",
        help="first publish your group and team worksheets for the team to keep",
    )


def run(args: argparse.Namespace, shell: Shell) -> int:
    from csa_companion.transfer.team import LOCAL, TeamCache

    with shell.stores() as stores:
        cache = TeamCache(stores[LOCAL])
        if args.team_command == "join":
            return _join(cache, args)
        membership = cache.membership()
        if membership is None:
            raise UsageError("this data folder is in no team; `team join FOLDER --name NAME`")
        if args.team_command == "list":
            return _list(cache, membership, as_json=args.json)
        if args.team_command == "publish":
            return _publish(stores, shell, cache, membership, args)
        if args.team_command == "withdraw":
            return _withdraw(cache, membership, args.id)
        return _leave(stores, shell, cache, membership, hand_over=args.hand_over)


def _passphrase(new: bool) -> str:
    from csa_companion.cli.crypto import ask, ask_new

    return ask_new("Team passphrase", env=False) if new else ask("Team passphrase: ", env=False)


def _join(cache: TeamCache, args: argparse.Namespace) -> int:
    from csa_companion.transfer.team import join

    if not args.folder.strip():  # an unset shell variable: never the current folder
        raise UsageError("give the team's folder: the folder your sync engine keeps in step")
    if args.as_id is None and not (args.name or "").strip():
        raise UsageError("give --name NAME: the name your team will see")
    membership = join(
        cache,
        expanded(args.folder),
        SystemClock().now(),
        name=args.name,
        role=args.role,
        as_id=args.as_id,
        encrypt=args.encrypt,
        passphrase=_passphrase,
    )
    locked = " (its files are encrypted)" if membership.key else ""
    print(f"joined the team at {membership.folder}{locked} as {membership.name}")
    print(f"your member id: {membership.member} (on another computer: --as {membership.member})")
    print("nothing of yours goes to the team folder until you publish it (`team publish`)")
    return 0


def _list(cache: TeamCache, membership: Membership, *, as_json: bool) -> int:
    from csa_companion.transfer.team import read_team

    view = read_team(
        membership.folder,
        cipher=membership.cipher(),
        cache=cache,
        now=SystemClock().now(),
        you=membership.member,
    )
    for notice in view.notices:
        say(one_line(notice))  # file names come from the folder: no escape sequences
    if as_json:
        print(json.dumps(view.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"team folder: {view.folder}")
    for member in view.members:
        state = member.state
        parts = [one_line(state.name), *([one_line(state.role)] if state.role else [])]
        if state.left:
            parts.append(f"left {state.left[:10]}")
        parts.append(f"id {state.member}")
        if state.member == membership.member:
            parts.append("you")
        print()
        print(" · ".join(parts))
        live = state.live()
        if not live:
            print("  (nothing published)")
        for item in live:
            handed = " (handed over)" if item.handed_over else ""
            print(f"  {item.at[:10]}  {one_line(item.title)}{handed}  [{item.id}]")
    return 0


def _publish(
    stores: Stores, shell: Shell, cache: TeamCache, membership: Membership, args: argparse.Namespace
) -> int:
    from csa_companion.transfer.team import publish

    if not (args.worksheet or args.reflection or args.entry or args.surveys):
        raise UsageError(
            "choose what to publish: --worksheet ID, --reflection YYYY-MM, --entry ID, --surveys"
        )
    items = chosen(stores, shell, args.worksheet, args.reflection, args.entry, args.surveys)
    print(f"publishing to the team at {membership.folder} as {membership.name}:")
    for item in items:
        print(f"  {one_line(item.title)}")
    if args.surveys:
        print(
            "  (your team sees them under your name; the cohort report, under your "
            "participant code only)"
        )
    done = publish(cache, membership, SystemClock().now(), add=items)
    _report_folded(done.folded)
    print(f"published {_count(len(done.added))}")
    return 0


def _count(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _report_folded(folded: list[str]) -> None:
    if folded:
        print(f"folded {len(folded)} conflict cop{'y' if len(folded) == 1 else 'ies'} of your file")


def chosen(
    stores: Stores,
    shell: Shell,
    worksheets: list[str],
    months: list[str],
    entries: list[str],
    surveys: bool,
) -> list[TeamItem]:
    """The records named, as team items (a worksheet's or entry's first characters will do)."""
    from csa_companion.content.loader import load_library
    from csa_companion.domain.survey import PARTICIPANT, SUBMITTED
    from csa_companion.domain.team import from_shared, survey_item
    from csa_companion.storage.program_repos import SurveyRepo
    from csa_companion.storage.repos import SettingsRepo
    from csa_companion.transfer.bundles import choose

    items: list[TeamItem] = []
    if worksheets or months or entries:
        shared = choose(stores, load_library(shell.dirs), worksheets, months, entries)
        items += [from_shared(i.kind, i.ident, i.title, i.text, i.document) for i in shared]
    if surveys:
        code = str(SettingsRepo(stores["settings"]).get(PARTICIPANT) or "").strip()
        if not code:
            raise UsageError(
                "set your participant code first (`survey code CODE`): survey answers go "
                "under it, never under your name; nothing was published"
            )
        done = [r for r in SurveyRepo(stores["surveys"]).all() if r.status == SUBMITTED]
        if not done:
            raise UsageError("you have submitted no survey yet; nothing was published")
        items += [survey_item(r, code) for r in sorted(done, key=lambda r: (r.session, r.when))]
    return items


def _withdraw(cache: TeamCache, membership: Membership, wanted: str) -> int:
    from csa_companion.transfer.team import own_item, publish

    item = own_item(cache, membership, wanted)
    done = publish(cache, membership, SystemClock().now(), withdraw=[item.id])
    _report_folded(done.folded)
    print(f"withdrew {one_line(item.title)} [{item.id}]: it is gone from the team folder")
    return 0


def _leave(
    stores: Stores, shell: Shell, cache: TeamCache, membership: Membership, *, hand_over: bool
) -> int:
    from csa_companion.content.loader import load_library
    from csa_companion.content.model import Tool
    from csa_companion.domain.sharing import worksheet_item
    from csa_companion.domain.team import from_shared
    from csa_companion.storage.repos import WorksheetRepo
    from csa_companion.transfer.team import leave

    handed: list[TeamItem] = []
    if hand_over:
        library = load_library(shell.dirs)
        for sheet in WorksheetRepo(stores["worksheets"]).all():
            if sheet.asks_as_team:
                tool = library.get(sheet.tool_id)
                i = worksheet_item(sheet, tool if isinstance(tool, Tool) else None)
                handed.append(from_shared(i.kind, i.ident, i.title, i.text, i.document))
        for item in handed:
            print(f"handing over {one_line(item.title)}")
    leave(cache, membership, SystemClock().now(), handed)
    print(f"left the team at {membership.folder}; what you published stays for the team")
    return 0
