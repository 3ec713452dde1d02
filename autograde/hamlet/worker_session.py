"""A sandboxed worker that runs a submission's cells in order, and survives them."""

from __future__ import annotations

import time

from .judges import Verdict, not_judged
from .outside_program import Cell
from .remote import NotAnArray, RemoteWorker, StudentError, WorkerDied, WorkerTimeout


class WorkerSession:
    """A worker that runs the cells in order; restarted (and the cells so far replayed, less
    the ones that timed out or killed it) whenever a cell or a probe takes it down."""

    def __init__(self, make_worker, deadline: float):
        self.make_worker, self.deadline = make_worker, deadline
        self.done: list[Cell] = []
        self.fatal: dict[str, str] = {}
        self.worker: RemoteWorker | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.worker:
            self.worker.close()

    def _exec(self, cell: Cell) -> bool:
        """Run one cell; False when it took the worker down."""
        try:
            self.worker.exec_cell(cell.name, cell.source)
        except (StudentError, NotImplementedError):
            pass  # the cell raised, as it would in the notebook; the tasks judge the rest
        except (WorkerTimeout, WorkerDied) as error:
            self.fatal[cell.name] = str(error)
            self.worker.close()
            return False
        return True

    def ready(self) -> RemoteWorker:
        while self.worker is None or not self.worker.alive:
            if time.monotonic() > self.deadline:
                raise WorkerTimeout("the notebook's time budget is used up")
            self.worker = self.make_worker().start()
            for cell in self.done:
                if cell.name not in self.fatal and not self._exec(cell):
                    break
        return self.worker

    def run(self, cell: Cell) -> None:
        try:
            self.ready()
        except (WorkerTimeout, WorkerDied) as error:
            self.fatal[cell.name] = str(error)
            return
        self.done.append(cell)
        self._exec(cell)

    def probe(self, task: str, judge) -> Verdict:
        """``judge(worker)`` -> Verdict, where a worker that hangs or dies fails only ``task``,
        a value of the student's that is no numbers or an error their code raised where the
        checks do not expect one fails it too, and an error of the judge's own leaves it
        not judged (to review, never credited)."""
        try:
            worker = self.ready()
        except (WorkerTimeout, WorkerDied) as error:
            return Verdict(task, False, f"your code could not be run: {error}")
        try:
            return judge(worker)
        except WorkerTimeout as error:
            worker.close()
            return Verdict(task, False, f"timed out ({error})")
        except WorkerDied as error:
            return Verdict(task, False, f"{error}")
        except NotAnArray as error:
            return Verdict(task, False, f"your code gave {error} where numbers are needed")
        except StudentError as error:
            return Verdict(task, False, f"your code raised {error}")
        except NotImplementedError as error:
            return Verdict(task, False, f"not implemented yet ({error})")
        except Exception as error:  # noqa: BLE001 -- the judge's own failure: not the student's, never credit
            return not_judged(task, f"{type(error).__name__}: {str(error)[:300]}")
