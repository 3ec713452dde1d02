"""The course's grading state and gradebook backups: saved whole, read back, older files understood,
one command at a time."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from hamlet import backups, run_state
from hamlet.run_state import CourseState, SessionRecord, StudentRecord


def test_the_state_reads_back_as_saved(tmp_path):
    state = CourseState(protections=["bubblewrap"], course_file="/x/course.toml")
    state.begin_run()
    state.session("05_sigmoid_neuron").students["ada"] = StudentRecord(
        flags=["timeout in task3"], done=True, notebook_hash="ab", answers={"task1a": "cd"}, unchanged=["task1a"],
        run=1, graded_at="2026-12-01T10:00:00+00:00", submitted_at="2026-11-20T22:00:00+00:00",
        time_source="timestamp.txt")
    run_state.save(tmp_path, state)
    assert run_state.load(tmp_path) == state
    assert not list(tmp_path.glob("*.partial"))


def test_no_state_is_none_and_a_broken_one_says_so(tmp_path):
    assert run_state.load(tmp_path) is None
    (tmp_path / run_state.RUN_FILE).write_text('{"version": 2, "sessions": ')
    with pytest.raises(run_state.BrokenState, match="grading-run.json is unreadable"):
        run_state.load(tmp_path)


def test_a_single_session_run_file_of_an_older_hamlet_is_read(tmp_path):
    """Its records have no content hash, so every hand-in is graded again; nothing is lost."""
    (tmp_path / run_state.RUN_FILE).write_text(json.dumps({
        "session": "06_backpropagation", "submissions": "/in", "complete": True, "protections": [],
        "students": {"ada": {"flags": ["x"], "seconds": 3.0, "done": True, "outside": None}}}))
    state = run_state.load(tmp_path)
    record = state.sessions["06_backpropagation"].students["ada"]
    assert record.done and record.flags == ["x"] and record.notebook_hash is None
    assert state.sessions["06_backpropagation"] == SessionRecord("/in", "", {"ada": record})


def test_one_command_at_a_time(tmp_path):
    with run_state.exclusive(tmp_path):
        with pytest.raises(run_state.Busy, match="another hamlet command is working on"):
            with run_state.exclusive(tmp_path):
                pass
        other = subprocess.run([sys.executable, "-c", "import sys; from hamlet import run_state\n"
                                "try:\n    run_state.exclusive(sys.argv[1]).__enter__()\n"
                                "except run_state.Busy as error:\n    print(error)", str(tmp_path)],
                               capture_output=True, text=True, timeout=60)
        assert f"process " in other.stdout and "wait for it to end" in other.stdout
    with run_state.exclusive(tmp_path):  # free again
        pass


def _gradebook(path, rows=3):
    with closing(sqlite3.connect(path)) as database:
        database.execute("create table grade (id integer primary key, manual_score real)")
        database.executemany("insert into grade (manual_score) values (?)", [(float(n),) for n in range(rows)])
        database.commit()


def test_a_backup_is_a_consistent_copy_and_the_newest_few_are_kept(tmp_path):
    assert backups.back_up(tmp_path) is None  # no gradebook yet
    _gradebook(tmp_path / "gradebook.db")
    made = [backups.back_up(tmp_path) for _ in range(backups.KEEP + 3)]
    assert backups.backups(tmp_path) == made[-backups.KEEP:]
    with closing(sqlite3.connect(made[-1])) as copy:
        assert copy.execute("select sum(manual_score) from grade").fetchone()[0] == 3.0
    assert not list((tmp_path / backups.FOLDER).glob(".*partial"))


def test_a_backup_taken_while_another_process_writes_is_whole(tmp_path):
    _gradebook(tmp_path / "gradebook.db")
    with closing(sqlite3.connect(tmp_path / "gradebook.db")) as writer:
        writer.execute("begin immediate")
        writer.execute("insert into grade (manual_score) values (100)")
        made = backups.back_up(tmp_path)  # the uncommitted row is not in it
        writer.rollback()
    with closing(sqlite3.connect(made)) as copy:
        assert copy.execute("select count(*) from grade").fetchone()[0] == 3


def test_a_damaged_gradebook_is_named_with_the_way_back(tmp_path):
    _gradebook(tmp_path / "gradebook.db", rows=2000)
    backups.back_up(tmp_path)
    data = bytearray((tmp_path / "gradebook.db").read_bytes())
    data[200:8000] = b"\xff" * 7800
    (tmp_path / "gradebook.db").write_bytes(bytes(data))
    with pytest.raises(backups.GradebookError, match=r"gradebook.db is damaged .*the latest backup is .*backups"):
        backups.back_up(tmp_path)
