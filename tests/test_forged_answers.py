"""Student code cannot answer a request other than the one running (issue #14, item 4).

The student's code shares the worker's process, so it can reach the pipe the answers go
through.  Each test below forges frames from inside student code -- with the running
request's id, with another id, ahead of the next request, from a thread or a child
process, malformed, oversized -- and shows the grader refuses them: the worker is
killed, only the request being run fails, and a new worker answers truthfully.
"""

from __future__ import annotations

import pytest

from hamlet import sandbox
from hamlet.judges import Verdict
from hamlet.outside_program import Cell
from hamlet.remote import RemoteWorker, WorkerDied
from hamlet.worker_session import WorkerSession

pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(sandbox.bubblewrap() is None, reason="bubblewrap is not available here")]

FORGERIES = r'''
import json, os, struct, sys, threading, time

def _main():
    """The worker's own loop, where the answer pipe and the running request are."""
    frame = sys._getframe()
    while frame is not None and frame.f_code.co_name != "main":
        frame = frame.f_back
    return frame

def _frame(reply, number):
    payload = json.dumps(dict(reply, id=number, arrays=[])).encode()
    return struct.pack("<Q", len(payload)) + payload

def _write(data):
    answers = _main().f_locals["answers"]
    answers.write(data)
    answers.flush()

def running_id():
    return _main().f_locals["header"]["id"]

def forge_this(value):
    """an answer to the running request, written before the worker's own"""
    _write(_frame({"value": {"v": value}}, running_id()))
    return "real"

def forge_other(value):
    """an answer with an id of another request"""
    _write(_frame({"value": {"v": value}}, "0123456789abcdef"))
    return "real"

def forge_next_from_a_thread(value):
    """a thread that waits for the next request and answers it first"""
    main = _main()
    first = main.f_locals["header"]["id"]
    def answer_the_next():
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            number = main.f_locals["header"]["id"]
            if number != first:
                _write(_frame({"value": {"v": value}}, number))
                return
            time.sleep(0.001)
    threading.Thread(target=answer_the_next, daemon=True).start()
    return "real"

def forge_next_from_a_child(value, keep_it=False):
    """a child process that answers the next request; keep_it: stop the worker from ending it"""
    main = _main()
    first = main.f_locals["header"]["id"]
    if keep_it:
        main.f_globals["_end_other_processes"] = lambda: None
    if os.fork() == 0:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.05)
            _write(_frame({"value": {"v": value}}, first[:-1] + "x"))  # it cannot know the next id
        os._exit(0)
    return "real"

def forge_garbage():
    _write(b"\xff" * 64)
    return "real"

def forge_oversized():
    _write(struct.pack("<Q", 1 << 40) + b"{}")
    return "real"

def honest(value):
    return value

def is_trusted(value):
    return value == "trusted"
'''


@pytest.fixture
def worker():
    with RemoteWorker(timeout=10) as started:
        started.exec_cell("forgeries", FORGERIES)
        yield started


def _fresh_worker_answers(worker):
    """After a refusal: the worker is gone, and a new one answers truthfully."""
    assert not worker.alive
    worker.start()
    worker.exec_cell("forgeries", FORGERIES)
    assert worker.global_("honest")(41) == 41


def test_an_answer_for_another_request_is_refused(worker):
    with pytest.raises(WorkerDied, match="not for the request being run"):
        worker.global_("forge_other")("forged")
    _fresh_worker_answers(worker)


def test_an_answer_written_ahead_is_refused_at_the_next_request(worker):
    # answering the running request is what its code may do anyway (it computes the answer)...
    assert worker.global_("forge_this")("forged") in ("forged", "real")
    # ...but the worker's own answer is then left in the pipe: the next request is refused -- before
    # it is sent if the answer is there already, or when the stale answer arrives for it (a loaded
    # machine writes it late)
    with pytest.raises(WorkerDied, match="wrote into the grader's pipe|written into the grader's pipe"):
        worker.global_("is_trusted")("anything")
    _fresh_worker_answers(worker)


def test_a_thread_cannot_answer_the_next_request(worker):
    assert worker.global_("forge_next_from_a_thread")(True) == "real"
    with pytest.raises(WorkerDied, match="thread"):
        worker.global_("is_trusted")("anything")  # the thread would answer True
    _fresh_worker_answers(worker)


def test_a_child_process_is_ended_before_the_answer(worker):
    assert worker.global_("forge_next_from_a_child")(True) == "real"
    assert worker.global_("is_trusted")("anything") is False  # the child is gone: the truth
    assert worker.global_("honest")(7) == 7


def test_a_child_process_the_worker_could_not_end_is_refused(worker):
    assert worker.global_("forge_next_from_a_child")(True, True) == "real"
    with pytest.raises(WorkerDied, match="process"):
        worker.global_("is_trusted")("anything")
    _fresh_worker_answers(worker)


@pytest.mark.parametrize("forgery", ["forge_garbage", "forge_oversized"])
def test_malformed_and_oversized_frames_are_refused(worker, forgery):
    with pytest.raises(WorkerDied):
        worker.global_(forgery)()
    _fresh_worker_answers(worker)


def test_only_the_task_being_judged_suffers():
    """In a worker session (as the outside verdicts use them): the forging task fails, the
    next task is judged by a new worker on the same cells."""
    def judge(name, expect):
        def run(worker):
            return Verdict(name, worker.global_(name)("x") == expect)
        return run

    with WorkerSession(lambda: RemoteWorker(timeout=10), deadline=float("inf")) as session:
        session.run(Cell("forgeries", FORGERIES, True))
        first = session.probe("forger", judge("forge_other", "real"))
        second = session.probe("honest", judge("honest", "x"))
    assert not first.passed and "not for the request being run" in first.message
    assert second.passed and not second.review
