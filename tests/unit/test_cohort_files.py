"""Gathering the cohort's answers from files, folders and a team folder, and hostile input:
huge files, devices, unreadable folders, lock files, a path that is not there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from csa_companion.domain.cohort import cohort_report
from csa_companion.domain.team import TeamItem
from csa_companion.transfer import cohort
from csa_companion.transfer.cohort import CohortPathError, gather
from csa_companion.transfer.team import join, publish
from tests.conftest import START
from tests.unit.test_cohort import HEADER
from tests.unit.test_team import cache_at


def answers_csv(code: str, pre: int = 2, post: int = 4, item: str = "trust") -> str:
    return (
        HEADER + f"{code},1,pre,{item},{pre},,2027-01-19\n{code},1,post,{item},{post},,2027-01-19\n"
    )


def test_a_folder_is_read_to_any_depth_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deeper").mkdir(parents=True)
    (tmp_path / "b" / "P1.csv").write_text(answers_csv("P1", post=5))
    (tmp_path / "a" / "deeper" / "P1.CSV").write_text(answers_csv("P1", post=3))
    (tmp_path / "a" / "P2.csv").write_text(answers_csv("P2"))
    (tmp_path / "notes.txt").write_text("not read")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "P9.csv").write_text(answers_csv("P9"))
    (tmp_path / "~$P3.csv").write_text("a spreadsheet's lock file")
    answers = gather([tmp_path])
    assert answers.participants == 2 and answers.files == 3
    # a/deeper/P1.CSV is read before b/P1.csv: the same day, so the one read last counts
    assert answers.ratings[("P1", 1, "post", "trust")][0] == 5
    assert answers.duplicates == 1 and not answers.skipped


def test_a_path_that_is_not_there_is_an_error_before_anything_is_read(tmp_path: Path) -> None:
    (tmp_path / "P1.csv").write_text(answers_csv("P1"))
    with pytest.raises(CohortPathError, match="nosuch: no such file or folder; nothing was read"):
        gather([tmp_path / "P1.csv", tmp_path / "nosuch"])


def test_hostile_files_are_left_out_with_one_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cohort, "MAX_BYTES", 1000)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "huge.csv").write_text(HEADER + "P1,1,pre,trust,3,,2027-01-19\n" * 100)
    (folder / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (folder / "ok.csv").write_text(answers_csv("P2"))
    locked = folder / "locked"
    locked.mkdir()
    (locked / "P3.csv").write_text(answers_csv("P3"))
    locked.chmod(0)
    try:
        answers = gather([folder, Path("/dev/zero")])
    finally:
        locked.chmod(0o700)
    assert answers.participants == (2 if os.geteuid() == 0 else 1)  # root reads any folder
    skipped = "\n".join(answers.skipped)
    assert f"{folder / 'huge.csv'} is larger than 0 MB" in skipped
    assert f"{folder / 'photo.csv'}: not text (binary data); left out" in skipped
    assert "/dev/zero is not a regular file (a device or a pipe); left out" in skipped
    if os.geteuid() != 0:
        assert f"cannot read the folder {locked}: Permission denied; left out" in skipped


def test_a_team_folder_gives_the_survey_answers_its_members_published(tmp_path: Path) -> None:
    team = tmp_path / "Dropbox" / "team"
    team.mkdir(parents=True)
    for n, name in enumerate(("Ana Real-Name", "Ben Real-Name", "Cy Real-Name")):
        cache = cache_at(tmp_path / "data" / str(n))
        member = join(cache, team, START, name=name)
        surveys = [
            TeamItem(
                f"survey:1-{when}",
                "survey",
                1,
                "",
                "Survey",
                "",
                {
                    "key": f"1-{when}",
                    "session": 1,
                    "when": when,
                    "status": "submitted",
                    "updated": START.isoformat(),
                    "answers": {"trust": {"rating": rating + n, "comment": ""}},
                    "participant": f"P-{n}",
                },
            )
            for when, rating in (("pre", 2), ("post", 3))
        ]
        publish(cache, member, START, add=surveys)
    other = tmp_path / "more"
    other.mkdir()
    (other / "P-9.csv").write_text(answers_csv("P-9"))
    # the team folder found inside, a CSV beside it; data folders are no exports
    answers = gather([tmp_path / "Dropbox", other, tmp_path / "data" / "0"])
    assert answers.participants == 4 and not answers.problems
    assert answers.skipped == [
        f"{tmp_path / 'data' / '0' / 'team.json'}: a file of a data folder, not an export "
        "(`csa-companion export` writes one); left out"
    ]
    report = cohort_report(answers)
    (cell,) = report.statements[0].sessions
    assert (cell.n, cell.rose, cell.change) == (4, 4, 1.25)
    assert "Real-Name" not in repr(answers.ratings)
