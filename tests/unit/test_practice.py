"""The practice timeline, driven by a fake monotonic clock (plain numbers): no app, no sleeping."""

from __future__ import annotations

from dataclasses import replace

import pytest

from csa_companion.content.model import Phase, Practice, Rhythm
from csa_companion.domain.practice import (
    ARRIVE,
    DONE,
    PHASE,
    WAITING,
    Bell,
    Run,
    Setup,
    format_seconds,
    make_plan,
    pacer,
    parse_bells,
    parse_seconds,
)
from csa_companion.paths import bundled_content_dir

T0 = 1000.0  # monotonic clocks start anywhere


def practice(*phases: Phase) -> Practice:
    return Practice(
        id="p", kind="practice", title="P", summary="", body="", source=bundled_content_dir(),
        phases=phases,
    )  # fmt: skip


THREE = practice(
    Phase("a", "A", 30, "First cue"),
    Phase("b", "B", 60, "Second cue", bells=(30,)),
    Phase("c", "C", 30, "Third cue"),
)


def run(p: Practice = THREE, **setup: object) -> Run:
    return Run(make_plan(p, Setup(**setup)), T0)  # type: ignore[arg-type]


def test_phases_change_at_the_right_moments() -> None:
    r = run()
    assert (r.moment(T0).stage, r.moment(T0).index, r.moment(T0).left) == (PHASE, 0, 30)
    assert r.moment(T0 + 29.9).index == 0
    m = r.moment(T0 + 30)
    assert (m.index, m.left) == (1, 60)
    assert r.moment(T0 + 89.99).index == 1
    assert r.moment(T0 + 90).index == 2
    end = r.moment(T0 + 120)
    assert (end.stage, end.progress, end.left) == (DONE, 1.0, 0)
    assert r.moment(T0 + 5000).elapsed == 120  # stays at the end, however late the next tick


def test_late_ticks_do_not_change_the_timeline() -> None:
    """Time comes from the clock readings, not from how often the screen asks."""
    few, many = run(), run()
    for t in range(0, 121):
        many.moment(T0 + t)
    few.moment(T0 + 7)
    assert replace(few.moment(T0 + 100.5), bells=()) == replace(many.moment(T0 + 100.5), bells=())


def test_pause_and_resume_do_not_drift() -> None:
    r = run()
    r.moment(T0)
    r.pause(T0 + 10)
    paused = r.moment(T0 + 500)
    assert paused.paused and paused.elapsed == 10 and paused.left == 20
    r.resume(T0 + 500)
    assert r.moment(T0 + 500 + 20).index == 1  # exactly 30 s of running time
    for start in range(510, 560, 10):  # many short pauses lose nothing and add nothing
        r.toggle(T0 + start)
        r.toggle(T0 + start + 3)
    assert r.moment(T0 + 570).elapsed == pytest.approx(10 + 70 - 5 * 3)


def test_next_and_previous() -> None:
    r = run()
    r.next(T0 + 5)
    m = r.moment(T0 + 5)
    assert (m.index, m.left) == (1, 60)
    r.next(T0 + 6)
    assert r.moment(T0 + 6).index == 2
    r.previous(T0 + 10)
    assert (r.moment(T0 + 10).index, r.moment(T0 + 10).left) == (1, 60)
    r.previous(T0 + 10)
    r.previous(T0 + 10)  # the first phase stays at its start
    assert (r.moment(T0 + 10).index, r.moment(T0 + 10).elapsed) == (0, 0)
    r.next(T0 + 11)
    r.next(T0 + 11)
    r.next(T0 + 11)
    assert r.moment(T0 + 11).stage == DONE
    r.previous(T0 + 12)
    assert r.moment(T0 + 12).index == 2


def test_next_while_paused_stays_paused() -> None:
    r = run()
    r.pause(T0 + 3)
    r.next(T0 + 4)
    m = r.moment(T0 + 100)
    assert m.paused and (m.index, m.left) == (1, 60)


def test_restart_goes_back_to_the_first_phase() -> None:
    r = run(arrive=10)
    r.moment(T0 + 80)
    r.restart(T0 + 80)
    m = r.moment(T0 + 81)
    assert (m.stage, m.index, m.elapsed) == (PHASE, 0, 1)
    assert Bell(0.0) in m.bells  # the opening bell sounds again


def test_scaling_to_a_custom_length() -> None:
    r = run(total=240)  # twice as long
    plan = r.plan
    assert [p.seconds for p in plan.phases] == [60, 120, 60]
    assert plan.total == 240
    assert Bell(60 + 60) in plan.bells  # the content bell 30 s into phase b scales too
    assert r.moment(T0 + 59).index == 0 and r.moment(T0 + 60).index == 1
    odd = run(total=100)  # phases that do not divide evenly still end on the total
    assert odd.plan.total == 100
    assert odd.moment(T0 + 100).stage == DONE and odd.moment(T0 + 99.9).stage == PHASE


@pytest.mark.parametrize("total", [10, 20000])
def test_a_length_out_of_range_is_refused(total: float) -> None:
    with pytest.raises(ValueError, match="length must be between 0:30 and 3:00:00"):
        run(total=total)


def test_arrive_countdown() -> None:
    r = run(arrive=90)
    m = r.moment(T0 + 30)
    assert (m.stage, m.left, m.elapsed, m.progress) == (ARRIVE, 60, 0, 0)
    assert m.bells == ()  # the opening bell waits for the practice
    start = r.moment(T0 + 90)
    assert (start.stage, start.index, start.left) == (PHASE, 0, 30)
    assert start.bells == (Bell(0.0),)
    assert r.moment(T0 + 90 + 120).stage == DONE


def test_next_skips_the_arrive_countdown() -> None:
    r = run(arrive=300)
    r.next(T0 + 5)
    assert (r.moment(T0 + 5).stage, r.moment(T0 + 5).elapsed) == (PHASE, 0)


def bells_rung(r: Run, until: float) -> list[tuple[float, Bell]]:
    """Every bell handed out, with the (whole second) time it was handed out at."""
    rung = []
    for t in range(int(until) + 1):
        rung += [(float(t), bell) for bell in r.moment(T0 + t).bells]
    return rung


def test_single_bells_at_start_content_offsets_and_end() -> None:
    assert bells_rung(run(), 200) == [(0, Bell(0)), (60, Bell(60)), (120, Bell(120))]


def test_double_bell_at_the_end() -> None:
    assert bells_rung(run(bells="double"), 200) == [
        (0, Bell(0)),
        (60, Bell(60)),
        (120, Bell(120, 2)),
    ]


def test_no_bells() -> None:
    assert bells_rung(run(bells="none"), 200) == []


def test_custom_bells_at_their_offsets() -> None:
    r = run(bells="custom", custom_bells=(10, 45, 120))
    assert bells_rung(r, 200) == [(10, Bell(10)), (45, Bell(45)), (120, Bell(120))]
    with pytest.raises(
        ValueError, match=r"a bell at 2:01 is outside the practice \(0:00 to 2:00\)"
    ):
        run(bells="custom", custom_bells=(121,))


def test_each_bell_is_handed_out_once_and_skipped_ones_stay_silent() -> None:
    r = run()
    assert r.moment(T0).bells == (Bell(0),)
    assert r.moment(T0).bells == ()
    r.next(T0 + 1)  # into phase b: its bell 30 s in still comes
    r.next(T0 + 2)  # past it to phase c: the skipped bell never rings
    assert bells_rung(r, 200)[-1:] == [(120 - 88, Bell(120))]
    assert not [b for _, b in bells_rung(r, 200) if b.at == 60]


WAITS = practice(
    Phase("a", "A", 30, "Cue A", wait=True),
    Phase("b", "B", 30, "Cue B", bells=(0,)),
)


def test_wait_phase_holds_until_the_facilitator_continues() -> None:
    r = run(WAITS)
    held = r.moment(T0 + 30)
    assert (held.stage, held.index, held.left, held.elapsed) == (WAITING, 0, 0, 30)
    later = r.moment(T0 + 400)
    assert (later.stage, later.elapsed) == (WAITING, 30)
    assert Bell(30) not in held.bells + later.bells  # the next phase's bell waits too
    r.next(T0 + 400)
    m = r.moment(T0 + 400)
    assert (m.stage, m.index, m.left) == (PHASE, 1, 30)
    assert r.moment(T0 + 430).stage == DONE  # no second hold


def test_going_back_before_a_wait_phase_holds_there_again() -> None:
    r = run(WAITS)
    r.moment(T0 + 31)
    r.next(T0 + 31)
    r.previous(T0 + 35)
    assert r.moment(T0 + 35).index == 0
    assert r.moment(T0 + 70).stage == WAITING


def test_pacer_follows_the_rhythm() -> None:
    rhythm = Rhythm(inhale=4, exhale=6, hold=2)
    assert pacer(rhythm, 0) == pacer(rhythm, 12)  # one breath is 12 s
    assert (pacer(rhythm, 2).label, pacer(rhythm, 2).size) == ("in", 0.5)
    assert (pacer(rhythm, 5).label, pacer(rhythm, 5).size) == ("hold", 1)
    assert (pacer(rhythm, 9).label, pacer(rhythm, 9).size) == ("out", 0.5)
    r = run(practice(Phase("b", "Breathe", 60, "Cue", rhythm=Rhythm(4, 6))))
    assert r.moment(T0 + 1).pacer == pacer(Rhythm(4, 6), 1)
    r.pause(T0 + 1)
    assert r.moment(T0 + 3).pacer == pacer(Rhythm(4, 6), 1)  # a paused pacer stands still
    assert run().moment(T0).pacer is None


def test_setup_round_trips_and_tolerates_bad_saved_values() -> None:
    setup = Setup(total=300, arrive=120, bells="custom", custom_bells=(0, 150))
    assert Setup.from_doc(setup.to_doc()) == setup
    assert Setup.from_doc({"total": 5, "arrive": 999, "bells": "gong", "custom_bells": "x"}) == (
        Setup()
    )
    assert Setup.from_doc(None) == Setup()


def test_parsing_times() -> None:
    assert parse_seconds("90") == 90
    assert parse_seconds("5m") == 300
    assert parse_seconds("5", bare="m") == 300
    assert parse_seconds("90s", bare="m") == 90
    assert parse_seconds(" 5:00 ") == 300
    assert parse_seconds("1:02:03") == 3723
    assert parse_bells("0, 2:30 5m") == (0, 150, 300)
    with pytest.raises(ValueError, match="not a time"):
        parse_seconds("soon")
    # 400 digits made an infinite float, and the plan an OverflowError (a traceback in setup).
    with pytest.raises(ValueError, match="not a time"):
        parse_seconds("9" * 400, bare="m")
    with pytest.raises(ValueError, match="not a time"):
        parse_seconds("9" * 400 + ":00")
    with pytest.raises(ValueError, match="not a time"):
        parse_bells("0, " + "9" * 400)
    with pytest.raises(ValueError, match="at least one"):
        parse_bells(" , ")
    assert format_seconds(59.2) == "1:00"
    assert format_seconds(3723) == "1:02:03"


def test_practiced_time_is_what_ran_not_what_was_planned_or_skipped() -> None:
    """The practice log's minutes: skipping phases, pausing and the arrive countdown do not
    count; going back counts again; a hold for the facilitator counts; the end stops it."""
    r = run(arrive=10)
    assert r.practiced(T0 + 10) == 0  # the countdown is not practice
    r.next(T0 + 25)  # 15 s into phase A, then on to B: A's last 15 s were skipped
    r.next(T0 + 35)  # 10 s of B, then C
    assert r.practiced(T0 + 35) == pytest.approx(25)
    r.pause(T0 + 40)
    r.resume(T0 + 400)  # a pause counts nothing
    r.previous(T0 + 405)  # back to B: it runs again, and counts again
    assert r.practiced(T0 + 405) == pytest.approx(35)
    assert r.moment(T0 + 1000).stage == DONE  # B's 60 s and C's 30 s, then the end
    assert r.practiced(T0 + 2000) == pytest.approx(35 + 90)
    r.next(T0 + 2001)  # past the end: nothing more
    assert r.practiced(T0 + 3000) == pytest.approx(125)
    skipped = run()
    skipped.next(T0 + 5)
    skipped.next(T0 + 6)
    skipped.next(T0 + 7)  # three phases skipped in 7 s: 7 s practiced, not the planned 120
    assert skipped.moment(T0 + 7).stage == DONE and skipped.practiced(T0 + 60) == 7
    held = run(WAITS)
    assert held.moment(T0 + 100).stage == WAITING  # waiting for the facilitator is practice
    assert held.practiced(T0 + 100) == 100
