"""One nbgrader process for many students of a grading run.

``nbgrader autograde --student X`` in a process of its own pays nbgrader's start-up
(importing it takes about 5 s) once per student.  ``hamlet grade`` instead keeps one
of these servers per grading slot and sends it one student after another; a server
that hangs or dies is killed and a new one started for the next student, so a student
still cannot take another down.

``python -m hamlet.nbgrader_server`` (in the course folder, beside its
``nbgrader_config.py``) reads one JSON request per line on stdin::

    {"command": "autograde", "session": "...", "student": "...", "environment": {...}}
    {"command": "generate_assignment" | "generate_feedback", "session": "..."}

and answers each with one line ``{"success": bool, "log": "...", "error": "..."}``
(nbgrader's API, :class:`nbgrader.apps.NbGraderAPI`).  ``environment`` is set before
the request: the kernel nbgrader starts inherits it.  ``python -m hamlet.nbgrader_server
ARGUMENTS`` runs the ``nbgrader`` command line instead, with the same quicker start.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import sandbox

#: answers the grader gives itself when the server did not answer
KILLED = "hamlet: killed after {seconds} s"
DIED = "hamlet: the nbgrader process ended (exit {code})"


def skip_optional_format_checkers() -> None:
    """jsonschema imports ``rfc3987_syntax`` when it is installed (about 2.7 s, building a
    grammar) for the "iri" formats; no schema nbgrader or Jupyter validates here uses them."""
    sys.modules.setdefault("rfc3987_syntax", None)


def alembic_head() -> str:
    """The revision of nbgrader's gradebook schema, as ``alembic heads`` prints it.

    nbgrader asks a new gradebook's revision of an ``alembic heads`` subprocess, whose
    migration scripts import nbgrader again with its server extensions: 7.4 of the 9 s
    of ``generate_assignment`` (py-spy).  Read in this process, where nbgrader is
    imported already, it costs a few milliseconds."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    heads = ScriptDirectory(ALEMBIC_DIR).get_heads()
    if len(heads) != 1:  # not the linear history nbgrader has: let alembic itself answer
        return _SUBPROCESS_ALEMBIC_HEAD()
    return heads[0]


_SUBPROCESS_ALEMBIC_HEAD = None


def start_faster() -> None:
    """The two start-up costs of nbgrader this process does without."""
    skip_optional_format_checkers()
    global _SUBPROCESS_ALEMBIC_HEAD
    import nbgrader.api

    if nbgrader.api.get_alembic_version is not alembic_head:
        _SUBPROCESS_ALEMBIC_HEAD = nbgrader.api.get_alembic_version
        nbgrader.api.get_alembic_version = alembic_head


def serve() -> None:
    start_faster()
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=os.getcwd()).load_config()
    config.NbGraderAPI.log_level = "INFO"
    api = NbGraderAPI(config=config)
    # nothing but answers on the protocol stream: the kernels nbgrader starts inherit file 1
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    print(json.dumps({"ready": True}), file=answers, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        os.environ.update(request.get("environment", {}))
        command, session = request["command"], request["session"]
        if command == "autograde":
            result = api.autograde(session, request["student"], force=True, create=True)
        elif command == "generate_assignment":
            result = api.generate_assignment(session, force=True)
        elif command == "generate_feedback":
            result = api.generate_feedback(session, force=True)
        else:
            result = {"success": False, "error": f"unknown command {command!r}"}
        print(json.dumps(result), file=answers, flush=True)


class Server:
    """The grader's side: one server process, started on first use, restarted after a kill."""

    def __init__(self, root: Path, environment: dict, log: Path, running: set):
        self.root, self.environment, self.log_path, self.running = root, environment, log, running
        self.process: subprocess.Popen | None = None
        self._starting = threading.Lock()
        self._shut = False  # set by shutdown(): start nothing more

    def warm_up(self) -> threading.Thread:
        """Start the server in the background, so the first student does not wait for nbgrader's import."""
        def start():
            try:
                self._ensure_started()
            except RuntimeError:
                pass  # the first request tries again and reports it
        thread = threading.Thread(target=start, name="nbgrader-warm-up", daemon=True)
        thread.start()
        return thread

    def _ensure_started(self) -> None:
        with self._starting:
            if self.process is None or self.process.poll() is not None:
                self.close()
                if not sandbox.STOPPED.is_set() and not self._shut:
                    self._start(timeout=300)

    def _start(self, timeout: float) -> None:
        log = open(self.log_path, "a")
        self.process = subprocess.Popen([sys.executable, "-m", "hamlet.nbgrader_server"], cwd=self.root,
                                        env=self.environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=log, text=True, start_new_session=True)
        log.close()
        self.running.add(self.process)
        if self._shut:  # shut down while this one was starting (a warm-up, an error in the run)
            self.close()
            raise RuntimeError("the grading run has ended")
        if self._answer(timeout) is None:
            raise RuntimeError(f"nbgrader did not start; see {self.log_path}")

    def _answer(self, timeout: float) -> dict | None:
        """The next answer line, or None when the server ended or ``timeout`` passed."""
        end = time.monotonic() + timeout
        while (remaining := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                line = self.process.stdout.readline()
                if not line:
                    return None
                try:
                    answer = json.loads(line)
                except json.JSONDecodeError:
                    continue  # not an answer
                if isinstance(answer, dict):
                    return answer
        return None

    def request(self, timeout: float, **request) -> dict:
        """Send ``request``; nbgrader's answer, or a failed one saying why there was none."""
        if sandbox.STOPPED.is_set():  # an interrupted grading run starts nothing more
            return {"success": False, "error": "hamlet: grading was interrupted"}
        try:
            self._ensure_started()
        except RuntimeError as error:
            return {"success": False, "error": f"hamlet: {error}"}
        if self.process is None:
            return {"success": False, "error": "hamlet: grading was interrupted"}
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass
        answer = self._answer(timeout)
        if answer is not None:
            return answer
        code = self.process.poll()
        self.close()
        return {"success": False, "error": KILLED.format(seconds=round(timeout)) if code is None
                else DIED.format(code=code)}

    def shutdown(self) -> None:
        """Close for good, including a start still under way in another thread."""
        self._shut = True
        self.close()

    def close(self) -> None:
        process = self.process
        if process is None:
            return
        # two threads may close one process (a shutdown during a warm-up): each works on its own copy
        sandbox.kill(process, self.running)
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self.process is process:
            self.process = None


def end_with_grader() -> None:
    """End at once when the ``hamlet grade`` that started this process is gone (killed with
    ``kill -9``, the machine's OOM killer): an orphan would go on writing in-notebook scores
    into the gradebook behind the next run's back.  Its kernels die with it
    (:func:`hamlet.kernel_launcher.die_with_parent`).  Polled: the parent-death signal
    fires when the parent's *thread* ends, and slots start their servers from threads."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(70)
    threading.Thread(target=watch, name="end-with-grader", daemon=True).start()


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    end_with_grader()
    if not argv:
        serve()
        return
    start_faster()
    from nbgrader.apps.nbgraderapp import main as nbgrader_main

    sys.argv = ["nbgrader", *argv]
    nbgrader_main()


if __name__ == "__main__":
    main()
