"""What grading found out about each student: the data behind grades.csv and the tutor page."""

from __future__ import annotations

from dataclasses import dataclass, field

#: tasks whose points count on top of the total (the handout's "additional tasks")
BONUS_TASKS = ("6a", "6b", "6c", "6d", "6e")


def task_of(grade_id: str) -> str:
    """``"task2d_linear_backward"`` -> ``"2d"``; cells not named after a task -> ``""``."""
    head = grade_id.split("_", 1)[0]
    return head[len("task"):] if head.startswith("task") else ""


@dataclass
class CellScore:
    """One graded cell of one student.

    ``score`` is None for a manually graded cell nobody has graded yet.
    """

    grade_id: str
    score: float | None
    max_score: float
    manual: bool = False

    @property
    def task(self) -> str:
        return task_of(self.grade_id)

    @property
    def bonus(self) -> bool:
        return self.task in BONUS_TASKS


@dataclass
class StudentResult:
    """Everything the grader reports about one student's submission of one session.

    Attributes
    ----------
    student : str
    session : str
    cells : list of CellScore
        In notebook order.
    flags : list of str
        Human-readable problems: "timeout in task5_code", "kernel died in task4_code",
        "edited test cell task2a_linear_forward", "not a notebook: ...".
    curves_png : bytes or None
        The loss/accuracy plot from the executed notebook.
    feedback : str or None
        Path of the feedback HTML, relative to the output folder.
    seconds : float
        Wall time spent grading this student.
    """

    student: str
    session: str
    cells: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    curves_png: bytes | None = None
    feedback: str | None = None
    seconds: float = 0.0

    def _sum(self, bonus: bool, attribute: str) -> float:
        return sum(getattr(cell, attribute) or 0.0 for cell in self.cells if cell.bonus == bonus)

    @property
    def score(self) -> float:
        """Points of the regular tasks (manual cells count once graded)."""
        return self._sum(False, "score")

    @property
    def max_score(self) -> float:
        return self._sum(False, "max_score")

    @property
    def bonus_score(self) -> float:
        return self._sum(True, "score")

    @property
    def bonus_max_score(self) -> float:
        return self._sum(True, "max_score")

    @property
    def total(self) -> float:
        """Regular points plus bonus points."""
        return self.score + self.bonus_score

    def task_scores(self) -> dict:
        """``{task: (score or None, max_score)}`` summed over each task's cells, in order.

        The score sums the graded cells; it is None only when none of the task's
        cells is graded yet (see :meth:`pending_tasks` for partly graded ones).
        """
        scores: dict = {}
        for cell in self.cells:
            score, maximum = scores.get(cell.task, (None, 0.0))
            if cell.score is not None:
                score = (score or 0.0) + cell.score
            scores[cell.task] = (score, maximum + cell.max_score)
        return scores

    def pending_tasks(self) -> set:
        """Tasks with a manually graded cell nobody has graded yet."""
        return {cell.task for cell in self.cells if cell.score is None}
