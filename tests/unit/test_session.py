"""The session schedule, driven by plain monotonic numbers: no app, no clock, no sleeping."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest

from csa_companion.clock import FakeClock
from csa_companion.content.loader import load_library
from csa_companion.content.model import Block, SessionPlan
from csa_companion.domain.session import (
    END,
    MARK_5,
    MARK_20,
    ROUND_END,
    TURN,
    TWO_MINUTES,
    SessionRun,
    StateError,
    format_left,
    resolve,
    stand_text,
)
from csa_companion.paths import bundled_content_dir
from tests.conftest import START

T0 = 5000.0
WALL = 1_800_000_000.0


def plan(*blocks: Block, tools: tuple[str, ...] = ("iceberg",)) -> SessionPlan:
    return SessionPlan(
        id="plan", kind="session", title="Plan", summary="", body="",
        source=bundled_content_dir(), session="1", blocks=blocks,
        minutes=int(sum(b.minutes for b in blocks)), tools=tools,
    )  # fmt: skip


SIMPLE = plan(
    Block("settle", "Settle", 10, "practice", practice="settling-arrive"),
    Block("talk", "Talk", 20, "content", learn="framework"),
    Block("groups", "Groups", 30, "breakout", instructions="Work in teams"),
)


def test_a_block_counts_down_and_the_session_stands_on_time() -> None:
    run = SessionRun(resolve(SIMPLE), T0)
    moment = run.moment(T0 + 90)
    assert (moment.index, moment.left, moment.mark, moment.stand) == (0, 510, "", "on time")
    assert format_left(moment.left) == "8:30"


def test_moving_on_early_puts_the_session_ahead_and_late_behind() -> None:
    run = SessionRun(resolve(SIMPLE), T0)
    run.next(T0 + 7 * 60)  # 3 minutes early
    assert run.moment(T0 + 7 * 60).stand == "3 min ahead"
    # Manual mode: the block runs over, time left goes negative and says so.
    late = run.moment(T0 + 7 * 60 + 24 * 60)
    assert late.left == -4 * 60 and late.mark == "over" and format_left(late.left) == "+4:00"
    assert late.stand == "1 min behind"


def test_added_minutes_lengthen_the_block_and_put_the_session_behind() -> None:
    run = SessionRun(resolve(SIMPLE), T0)
    run.add(T0, 60)
    run.add(T0, 60)
    moment = run.moment(T0)
    assert moment.length == 12 * 60 and moment.stand == "2 min behind"
    run.add(T0, -180)
    assert run.moment(T0).length == 9 * 60 and run.moment(T0).stand == "1 min ahead"
    run.add(T0, -3600)  # never below zero
    assert run.moment(T0).length == 0


def test_pause_stops_the_block_but_not_the_session() -> None:
    run = SessionRun(resolve(SIMPLE), T0)
    run.pause(T0 + 60)
    moment = run.moment(T0 + 60 + 180)
    assert moment.paused and moment.left == 9 * 60
    assert moment.elapsed == 240 and moment.stand == "3 min behind"
    run.resume(T0 + 240)
    assert run.moment(T0 + 300).left == 8 * 60


def test_marks_at_twenty_and_five_percent_are_handed_out_once() -> None:
    run = SessionRun(resolve(SIMPLE), T0)
    assert run.cues(T0 + 479) == ()
    assert run.moment(T0 + 480).mark == "20%"
    assert run.cues(T0 + 480) == (MARK_20,)
    assert run.cues(T0 + 500) == ()
    assert run.moment(T0 + 570).mark == "5%"
    assert run.cues(T0 + 600) == (MARK_5,)


def test_a_breakout_rings_two_minutes_before_its_end_and_at_its_end() -> None:
    run = SessionRun(resolve(SIMPLE), T0)
    run.goto(T0, 2)
    assert run.cues(T0 + 28 * 60 - 1) == (MARK_20,)
    assert run.cues(T0 + 28 * 60) == (TWO_MINUTES,)
    assert run.cues(T0 + 30 * 60) == (MARK_5, END)


def test_automatic_mode_moves_on_by_itself_and_rings_the_end_it_passed() -> None:
    run = SessionRun(resolve(SIMPLE), T0, auto=True)
    run.goto(T0, 2)
    run.goto(T0, 0)  # back: the first block goes on where it stood
    assert run.moment(T0 + 10 * 60 + 5).index == 1
    assert run.moment(T0 + 10 * 60 + 5).position == 5
    # The last block is not left by itself.
    assert run.moment(T0 + 70 * 60).index == 2
    assert run.moment(T0 + 70 * 60).mark == "over"
    run2 = SessionRun(resolve(SIMPLE), T0, auto=True)
    run2.goto(T0, 2)
    cues = run2.cues(T0 + 31 * 60)
    assert END in cues and TWO_MINUTES in cues


def test_going_back_goes_on_where_the_block_stood() -> None:
    run = SessionRun(resolve(SIMPLE), T0)
    run.next(T0 + 300)
    run.previous(T0 + 400)
    assert run.moment(T0 + 400).position == 300
    assert [(v.index, v.start, v.end) for v in run.visits] == [
        (0, 0, 300), (1, 300, 400), (0, 400, None)
    ]  # fmt: skip


def test_a_talking_piece_round_gives_each_speaker_a_turn() -> None:
    block = Block("circle", "Circle", 20, "reflection", speakers=4, turn_minutes=2)
    run = SessionRun(resolve(plan(block)), T0)
    run.start_round(T0 + 60, 3, 120)
    turn = run.moment(T0 + 60 + 130).turn
    assert turn is not None and (turn.speaker, turn.speakers, turn.left) == (2, 3, 110)
    assert run.cues(T0 + 60 + 130) == (TURN,)
    run.next_speaker(T0 + 60 + 150)  # speaker 2 was brief
    turn = run.moment(T0 + 60 + 150).turn
    assert turn is not None and (turn.speaker, turn.left) == (3, 120)
    assert run.cues(T0 + 60 + 270) == (ROUND_END,)
    turn = run.moment(T0 + 60 + 270).turn
    assert turn is not None and turn.done


def test_a_four_hour_run_with_a_tick_every_second_ends_on_time() -> None:
    blocks = tuple(
        Block(f"b{n}", f"Block {n}", minutes, kind)
        for n, (minutes, kind) in enumerate(
            [(10, "practice"), (15, "journal"), (40, "content"), (60, "breakout"), (15, "break"),
             (30, "exercise"), (40, "reflection"), (30, "closing")]
        )
    )  # fmt: skip
    schedule = resolve(plan(*blocks))
    assert schedule.total == 4 * 3600
    run = SessionRun(schedule, T0, auto=True)
    rung: list[str] = []
    for second in range(4 * 3600 + 1):
        rung += run.cues(T0 + second)
    moment = run.moment(T0 + 4 * 3600)
    assert moment.index == 7 and moment.left == 0 and moment.stand == "on time"
    assert [v.start for v in run.visits] == [p.start for p in schedule.blocks]
    assert rung.count(END) == 2 and rung.count(TWO_MINUTES) == 2 and rung.count(MARK_20) == 8


def test_a_manual_four_hour_run_twelve_minutes_late_is_twelve_minutes_behind() -> None:
    schedule = resolve(plan(*(Block(f"b{n}", f"B{n}", 30, "content") for n in range(8))))
    run = SessionRun(schedule, T0)
    for n in range(7):
        run.next(T0 + (n + 1) * (30 * 60 + 90))  # each block 90 s long
    assert run.moment(T0 + 7 * (30 * 60 + 90)).stand == "10 min behind"
    assert run.moment(T0 + 4 * 3600 + 12 * 60).stand == "12 min behind"


def test_the_state_round_trips_through_json_in_another_process() -> None:
    schedule = resolve(SIMPLE)
    run = SessionRun(schedule, T0, started=datetime(2027, 1, 19, 9, 0))
    run.next(T0 + 500)
    run.add(T0 + 500, 60)
    run.start_round(T0 + 560, 3, 60)
    doc = json.loads(json.dumps(run.to_doc(T0 + 600, WALL)))
    # Read 2 s later in another process on the same computer (same monotonic clock).
    other = SessionRun.from_doc(schedule, doc, T0 + 602, WALL + 2)
    mine, theirs = run.moment(T0 + 602), other.moment(T0 + 602)
    assert (theirs.index, theirs.left, theirs.elapsed) == (mine.index, mine.left, mine.elapsed)
    assert theirs.turn == mine.turn and other.started == run.started
    # A paused run stays paused.
    run.pause(T0 + 700)
    doc = run.to_doc(T0 + 700, WALL + 100)
    assert SessionRun.from_doc(schedule, doc, T0 + 900, WALL + 300).moment(T0 + 900).paused


def test_after_a_restart_the_wall_clock_counts_the_time_away() -> None:
    schedule = resolve(SIMPLE)
    run = SessionRun(schedule, T0)
    doc = run.to_doc(T0 + 60, WALL)
    # The monotonic clock started again from a small number after a reboot.
    back = SessionRun.from_doc(schedule, doc, 12.0, WALL + 120)
    assert back.moment(12.0).position == 180 and back.moment(12.0).elapsed == 180


def test_a_state_that_does_not_fit_the_plan_is_refused() -> None:
    schedule = resolve(SIMPLE)
    doc = SessionRun(schedule, T0).to_doc(T0, WALL)
    other = resolve(plan(Block("x", "X", 10, "content")))
    with pytest.raises(StateError, match="another version of the plan"):
        SessionRun.from_doc(other, doc, T0, WALL)
    with pytest.raises(StateError, match="cannot be read"):
        SessionRun.from_doc(schedule, {**doc, "index": "two"}, T0, WALL)


def test_tool_blocks_follow_the_calendar_and_share_their_minutes() -> None:
    tools_plan = plan(
        Block("settle", "Settle", 10, "practice"),
        Block("lesson", "The {tool}", 25, "content", each_tool=True),
        Block("apply", "Apply it", 60, "exercise", each_tool=True, instructions="Walk {tool}"),
        Block("close", "Close", 5, "closing"),
    )
    titles = {"iceberg": "Iceberg", "ladder-of-inference": "Ladder of Inference"}
    one = resolve(tools_plan, [], titles)
    ids = [p.block.id for p in one.blocks]
    assert ids == ["settle", "lesson-iceberg", "apply-iceberg", "close"]
    two = resolve(tools_plan, ["ladder-of-inference", "iceberg"], titles)
    assert [(p.block.id, p.block.minutes) for p in two.blocks] == [
        ("settle", 10), ("lesson-ladder-of-inference", 12), ("apply-ladder-of-inference", 30),
        ("lesson-iceberg", 13), ("apply-iceberg", 30), ("close", 5),
    ]  # fmt: skip
    assert two.blocks[1].block.title == "The Ladder of Inference"
    assert two.blocks[2].block.title == "Apply it: Ladder of Inference"
    assert two.blocks[2].block.instructions == "Walk Ladder of Inference"
    assert two.total == one.total == 100 * 60


def test_planned_clock_times_and_stand_words() -> None:
    schedule = resolve(SIMPLE)
    starts = schedule.planned_clock(datetime(2027, 1, 19, 9, 0))
    assert [f"{t:%H:%M}" for t in starts] == ["09:00", "09:10", "09:30"]
    assert stand_text(59) == "on time" and stand_text(-60) == "1 min ahead"
    assert format_left(3725) == "1:02:05" and format_left(0.2) == "0:01"


# -- a practice's wait phases ----------------------------------------------------------------
# The check-in's fourth phase, "Form small groups" (60 s, ending 600 s into its 1,200 s), waits
# for the facilitator. Inside a session block it used to run straight on into the sharing.

LIBRARY = load_library([bundled_content_dir()])
CHECK_IN = plan(
    Block("check-in", "Check-in", 20, "practice", practice="check-in"),
    Block("talk", "Talk", 20, "content", learn="framework"),
)


def check_in_run(clock: FakeClock, *, minutes: int = 20, auto: bool = False) -> SessionRun:
    blocks = (replace(CHECK_IN.blocks[0], minutes=minutes), CHECK_IN.blocks[1])
    return SessionRun(resolve(plan(*blocks), library=LIBRARY), clock.monotonic(), auto=auto)


def test_a_wait_phase_holds_the_block_until_the_facilitator_moves_on() -> None:
    clock = FakeClock(START)
    run = check_in_run(clock)
    clock.advance(599)
    assert run.moment(clock.monotonic()).hold is None
    clock.advance(301)  # five minutes past the end of "Form small groups"
    moment = run.moment(clock.monotonic())
    assert moment.holding and moment.practice is not None
    assert moment.practice.phases[moment.hold or 0].phase.id == "groups"
    assert (moment.index, moment.position, moment.left) == (0, 600, 600)
    assert moment.stand == "5 min behind"  # the session's clock goes on
    assert run.cues(clock.monotonic()) == ()  # nothing rings while it holds
    run.next(clock.monotonic())  # releases the hold: the sharing starts now, same block
    clock.advance(60)
    moment = run.moment(clock.monotonic())
    assert (moment.index, moment.position, moment.holding) == (0, 660, False)
    run.next(clock.monotonic())  # nothing holds: on to the next block
    assert run.moment(clock.monotonic()).index == 1


def test_a_wait_phase_holds_in_automatic_mode_and_in_a_shorter_block() -> None:
    clock = FakeClock(START)
    run = check_in_run(clock, minutes=10, auto=True)  # the practice fitted into 600 s
    clock.advance(3600)
    moment = run.moment(clock.monotonic())
    assert (moment.index, moment.position, moment.holding) == (0, 300, True)
    run.add(clock.monotonic(), 600)  # ten more minutes: the practice runs its own length
    moment = run.moment(clock.monotonic())
    assert (moment.position, moment.holding) == (600, True)  # still held, at the phase's end
    run.next(clock.monotonic())
    clock.advance(600)
    assert run.moment(clock.monotonic()).index == 1  # released, it moved on by itself


def test_a_hold_and_its_release_survive_a_save_and_a_resume() -> None:
    clock = FakeClock(START)
    run = check_in_run(clock)
    clock.advance(700)
    schedule = run.schedule
    wall = clock.now().timestamp()
    doc = json.loads(json.dumps(run.to_doc(clock.monotonic(), wall)))
    clock.advance(30)
    other = SessionRun.from_doc(schedule, doc, clock.monotonic(), wall + 30)
    assert other.moment(clock.monotonic()).holding  # another process sees the hold too
    run.next(clock.monotonic())
    clock.advance(120)
    doc = json.loads(json.dumps(run.to_doc(clock.monotonic(), clock.now().timestamp())))
    assert doc["released"] == {"0": [3]}
    # Resumed after a restart (a new monotonic clock), the released hold stays released.
    resumed = SessionRun.from_doc(schedule, doc, 5.0, clock.now().timestamp() + 60)
    moment = resumed.moment(5.0)
    assert (moment.position, moment.holding) == (780, False)
    resumed.next(5.0)
    resumed.previous(10.0)  # back to the check-in: on where it stood, not held again
    assert resumed.moment(70.0).position == 840
    # A state saved before holds were kept (no "released") still reads.
    del doc["released"]
    assert SessionRun.from_doc(schedule, doc, 5.0, clock.now().timestamp()).released == {}
