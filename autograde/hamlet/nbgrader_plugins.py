"""Preprocessors that nbgrader lacks, plugged in through the grading configuration.

* :class:`RecoveringExecute` -- nbgrader's ``Execute`` stops a whole notebook when
  the kernel dies (``os._exit``, a segfault, the memory limit).  This one marks the
  cell that killed it, starts a new kernel, runs the cells before it again and
  goes on, so only the tasks that depend on the fatal cell lose points.  It keeps
  the notebook within its time budget (:mod:`hamlet.budget`): each cell gets at most
  half of what is left of it, so a stuck cell always leaves time for the rest, and
  once :data:`STUCK_AFTER` cells ran past their time the cells after them are not run
  (code that is stuck would keep each of them waiting in turn) -- the outside verdicts
  judge their tasks.  After a training task's test cell it leaves the trained network for the
  outside verdicts (:mod:`hamlet.trained`), so they need not train it again.
* :class:`AdoptExecution` -- on a Dask cluster (:mod:`hamlet.cluster`) a worker executed
  the notebook with ``RecoveringExecute`` in a scratch course of its own; the coordinator's
  nbgrader takes that run's outputs in place of running a kernel, so its ``SaveAutoGrades``
  writes the coordinator's gradebook exactly as a local run would.
* :class:`HideHiddenTracebacks` -- feedback must not show hidden-test source; nbgrader's
  ``ClearHiddenTests`` removes it from the cells, this removes it from tracebacks.
* :class:`RestoreTestCells` -- nbgrader's ``OverwriteCells`` without its false alarm
  for every untouched test cell with hidden tests.
* :class:`PercentPerDayStarted` -- the late submission plugin of the course file's late
  policy (:class:`hamlet.course_file.LatePolicy`), for nbgrader's ``AssignLatePenalties``.
"""

from __future__ import annotations

import copy
import math
import os
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Float, TraitError, validate

from . import declaration, trained
from .course_file import LatePolicy
from .execute import TIMED_OUT, cell_name, error_outputs
from .release import HIDDEN_REGION

KERNEL_DIED = "DeadKernelError"
#: the error of a cell not run because cells before it ran past their time (hamlet.budget)
NOT_RUN = "NotRunAfterTimeout"
#: this many cells ran past their time: the code is stuck, no later cell runs in the kernel
STUCK_AFTER = 2
#: a kernel that dies before its first cell is started this many times in all
START_ATTEMPTS = 3
#: what one cell may print before the rest is dropped (nbgrader would hold it all in memory)
OUTPUT_LIMIT = 1 << 20
OUTPUT_CUT = "[hamlet: output beyond 1 MiB dropped]"


class RecoveringExecute(Execute):
    """``Execute`` that survives a dead kernel: restart, replay the earlier cells, go on."""

    def preprocess(self, nb, resources=None, km=None):
        self._fatal_cells = set()
        self._output_bytes: dict = {}
        # the notebook's deadline on time.monotonic() (the same clock in every process), set by hamlet grade
        deadline, budget = os.environ.get("HAMLET_DEADLINE"), os.environ.get("HAMLET_BUDGET")
        self._deadline = float(deadline) if deadline else math.inf
        self._budget = budget or ""
        self._cell_timeout = self.timeout
        self._timed_out_cells: list = []
        self._stuck = None  # why no more cells run: the cells that ran past their time, or the budget
        try:
            for attempt in range(1, START_ATTEMPTS + 1):
                self._cells_started = False
                try:
                    return super().preprocess(nb, resources, km)
                except (RuntimeError, DeadKernelError) as error:
                    # "Kernel died before replying to kernel_info": the kernel did not start (the machine
                    # short of memory or processes for a moment); none of the student's cells ran yet
                    if self._cells_started or attempt == START_ATTEMPTS or time.monotonic() > self._deadline:
                        raise
                    self.log.warning("the kernel did not start (%s); once more", error)
                    time.sleep(2 * attempt)
        finally:
            self.timeout = self._cell_timeout

    def _bound_timeout(self) -> bool:
        """The next wait's timeout: the cell timeout, or half of what is left of the budget if
        less; False when (almost) nothing is left."""
        left = self._deadline - time.monotonic()
        if left <= 1:
            return False
        if left / 2 < (self._cell_timeout or math.inf):
            self.timeout = max(1, int(left / 2))
            self._bounded_by_budget = True
        else:
            self.timeout, self._bounded_by_budget = self._cell_timeout, False
        return True


    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(value)) for value in content.get("data", {}).values())
        used = self._output_bytes.get(cell_index, 0)
        self._output_bytes[cell_index] = used + size
        if used + size > OUTPUT_LIMIT:
            if used <= OUTPUT_LIMIT:
                outs.append(NotebookNode(output_type="stream", name="stdout", text=f"\n{OUTPUT_CUT}\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    def preprocess_cell(self, cell, resources, index):
        self._cells_started = True
        if cell.cell_type != "code":
            return cell, resources
        if self._stuck is None and not self._bound_timeout():
            self._stuck = f"the notebook's time budget ({self._budget} s) is used up"
        if self._stuck is not None:
            # stuck code: the cells after it would each wait their time in turn
            cell.outputs = [NotebookNode(
                output_type="error", ename=NOT_RUN,
                evalue=f"not run in the notebook: {self._stuck}; the outside verdicts judge this task",
                traceback=[f"{NOT_RUN}: not run in the notebook: {self._stuck}"])]
            return cell, resources
        limit, bounded_by_budget = self.timeout, self._bounded_by_budget
        result = self._execute_or_recover(cell, resources, index)
        errors = error_outputs(cell)
        if any(output.get("ename") in TIMED_OUT for output in errors):
            why = (f"ran past {limit} s, half of what was left of the notebook's time budget ({self._budget} s)"
                   if bounded_by_budget else f"ran past the time limit of {limit} s")
            for output in errors:
                if output.get("ename") == "CellTimeoutError":
                    output["evalue"] = f"this cell {why}"
            self._timed_out_cells.append(cell_name(cell, index))
            if len(self._timed_out_cells) >= STUCK_AFTER:
                self._stuck = f"{' and '.join(self._timed_out_cells)} ran past their time"
            return result
        folder = os.environ.get("HAMLET_TRAINED_DIR")
        # the assignment nbgrader grades is the session
        session = resources.get("nbgrader", {}).get("assignment") or os.environ.get("HAMLET_SESSION")
        if folder and session and index not in self._fatal_cells:
            declared = declaration.load(session)
            name = declared.training_test_cells.get(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
            if name:
                self._leave_trained(name, str(trained.file_for(folder, name)), declared.layers)
        return result

    def _leave_trained(self, name: str, path: str, layers: dict) -> None:
        """Run :data:`hamlet.trained.SNIPPET` in the kernel, silently; a failure only means
        the outside verdicts train this network themselves."""
        if not self._bound_timeout():
            return
        try:
            reply = run_sync(self.kc.execute_interactive)(
                trained.SNIPPET.format(name=name, path=path, layers=layers), silent=True, store_history=False,
                allow_stdin=False, timeout=self.timeout, output_hook=lambda message: None)
            if reply["content"].get("status") != "ok":
                self.log.info("no trained network of %s: %s", name, reply["content"].get("ename"))
        except TimeoutError:
            self.log.warning("leaving the trained network of %s timed out; interrupting", name)
            run_sync(self.km.interrupt_kernel)()
        except Exception as error:  # noqa: BLE001 -- a dead kernel is handled by the next cell
            self.log.warning("could not leave the trained network of %s: %s", name, error)

    def _execute_or_recover(self, cell, resources, index):
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._fatal_cells.add(index)
            cell.outputs.append(NotebookNode(
                output_type="error", ename=KERNEL_DIED,
                evalue="the kernel died while running this cell (os._exit, a crash or too much memory); "
                       "grading restarted it and ran the cells before this one again",
                traceback=[f"{KERNEL_DIED}: the kernel died while running this cell"]))
            self.log.warning("kernel died in cell %d; restarting and replaying cells 0-%d", index, index - 1)
            self._restart_and_replay(index)
            return cell, self.resources
        except CellTimeoutError:  # the interrupt did not bring the kernel back; no later cell runs
            self._fatal_cells.add(index)
            cell.outputs.append(NotebookNode(
                output_type="error", ename="CellTimeoutError",
                evalue="this cell ran past the time limit and did not stop when interrupted",
                traceback=["CellTimeoutError: this cell ran past the time limit"]))
            self.log.warning("cell %d timed out and the kernel did not recover", index)
            return cell, self.resources

    def _restart_and_replay(self, index):
        for attempt in (1, 2):
            run_sync(self.km.restart_kernel)(now=True)
            self.kc.stop_channels()
            self.kc = self.km.client()
            self.kc.start_channels()  # synchronous even on the async client
            try:
                run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
                break
            except RuntimeError:  # "kernel died before replying": e.g. a process limit still used up
                if attempt == 2:
                    raise
                self.log.warning("the restarted kernel died while starting; once more")
        for earlier in range(index):
            cell = self.nb.cells[earlier]
            if cell.cell_type != "code" or earlier in self._fatal_cells:
                continue
            if not self._bound_timeout():
                self._stuck = f"the notebook's time budget ({self._budget} s) was used up replaying it"
                return
            try:
                # on a copy: the cell keeps the outputs of its first run
                self.execute_cell(copy.deepcopy(cell), earlier, store_history=False)
            except (DeadKernelError, CellTimeoutError):
                self._fatal_cells.add(earlier)
                self._restart_and_replay(earlier)
                return


class NotTheSameNotebook(ValueError):
    """The executed notebook does not hold the cells nbgrader placed for grading."""


class AdoptExecution(NbGraderPreprocessor):
    """``Execute`` for a notebook executed elsewhere: its code cells' outputs and execution counts
    from the notebook at ``HAMLET_EXECUTED`` (a Dask worker's, :mod:`hamlet.cluster_worker`).

    The worker sanitized the same hand-in against the same release, so every cell must match the
    one nbgrader placed here, type and source; any difference fails the notebook (nbgrader's
    "grading failed"), never grades what was not run."""

    def preprocess(self, nb, resources):
        import nbformat

        path = os.environ.get("HAMLET_EXECUTED", "")
        if not path:
            raise NotTheSameNotebook("hamlet: no executed notebook given (HAMLET_EXECUTED)")
        executed = nbformat.read(path, as_version=4)
        if len(executed.cells) != len(nb.cells):
            raise NotTheSameNotebook(f"hamlet: the executed notebook has {len(executed.cells)} cells, "
                                     f"the one placed for grading {len(nb.cells)}")
        for index, (placed, run) in enumerate(zip(nb.cells, executed.cells)):
            if placed.cell_type != run.cell_type or placed.source != run.source:
                raise NotTheSameNotebook(f"hamlet: cell {index} ({cell_name(placed, index)}) of the executed "
                                         f"notebook is not the one placed for grading")
            if placed.cell_type == "code":
                placed.outputs = copy.deepcopy(run.get("outputs", []))
                placed.execution_count = run.get("execution_count")
        return nb, resources


class HideHiddenTracebacks(NbGraderPreprocessor):
    """Replace the traceback of a failing cell that had hidden tests by its last line.

    A traceback quotes the source lines it passes through -- including hidden ones.
    The exception's name and message stay: they say what is wrong, not how it was tested.
    """

    def preprocess(self, nb, resources):
        self._hidden_lines = set()
        for cell in nb.cells:
            for region in HIDDEN_REGION.findall(cell.source):
                self._hidden_lines.update(line.strip() for line in region.splitlines() if line.strip())
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and (HIDDEN_REGION.search(cell.source) or self._quotes_hidden(cell)):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output.traceback = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}",
                                        "(the traceback is hidden: it passes through hidden tests)"]
        return cell, resources

    def _quotes_hidden(self, cell) -> bool:
        text = "\n".join("\n".join(output.get("traceback", [])) for output in cell.get("outputs", []))
        return any(line in text for line in self._hidden_lines)


class RestoreTestCells(OverwriteCells):
    """nbgrader's ``OverwriteCells``, quiet about the hidden tests it puts back.

    The gradebook's checksum of a test cell is taken with its hidden tests, the
    release's without them, so nbgrader warns "Attribute 'checksum' ... has changed"
    for every test cell with hidden tests a student never touched (nbgrader issue
    #1961): fifteen false alarms per student in the log.  A cell whose source still has
    the release's checksum is restored with a debug line; any other change is reported
    as nbgrader does.  (The checksum in the cell's metadata is the release's:
    ``hamlet grade`` restores all grading metadata before nbgrader sees the notebook.)
    """

    def preprocess_cell(self, cell, resources, index):
        released = cell.metadata.get("nbgrader", {}).get("checksum")
        self._as_released = released is not None and utils.compute_checksum(cell) == released
        return super().preprocess_cell(cell, resources, index)

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and self._as_released:
            self.log.debug("Cell %s is as released; its hidden tests are restored", name)
            return
        super().report_change(name, attr, old, new)


class PercentPerDayStarted(LateSubmissionPlugin):
    """``percent_per_day`` of the notebook's score off per day (24 h) started past the
    deadline, at most ``cap_percent``; nothing when late by no more than ``grace_minutes``.

    nbgrader's ``AssignLatePenalties`` calls it for a notebook with ``total_seconds_late > 0``
    (the deadline includes the student's extension).  The arithmetic is
    :meth:`hamlet.course_file.LatePolicy.fraction`, the same the report's notes use.  Set it up
    with :meth:`~hamlet.course_file.LatePolicy.nbgrader_config`::

        c.AssignLatePenalties.plugin_class = "hamlet.course_file.PercentPerDayStarted"
        c.PercentPerDayStarted.percent_per_day = 10.0
    """

    percent_per_day = Float(0.0, help="Percent of the score off per day (24 h) started past the deadline").tag(
        config=True)
    cap_percent = Float(100.0, help="At most this percent of the score off").tag(config=True)
    grace_minutes = Float(0.0, help="Late by at most this many minutes: no penalty").tag(config=True)

    @validate("percent_per_day", "cap_percent", "grace_minutes")
    def _check(self, proposal):
        value = proposal["value"]
        if not value >= 0 or (proposal["trait"].name != "grace_minutes" and value > 100):
            raise TraitError(f"PercentPerDayStarted.{proposal['trait'].name} must be "
                             f"{'0 or more' if proposal['trait'].name == 'grace_minutes' else 'from 0 to 100'}, "
                             f"got {value!r}")
        return value

    @property
    def policy(self) -> LatePolicy:
        return LatePolicy(self.percent_per_day, self.cap_percent, self.grace_minutes)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        """The points off ``score`` for a notebook ``total_seconds_late`` seconds late."""
        penalty = max(0.0, score or 0.0) * self.policy.fraction(total_seconds_late)
        self.log.info("%s: %.0f s late, %g points off %g", student_id, total_seconds_late, penalty, score or 0.0)
        return penalty
