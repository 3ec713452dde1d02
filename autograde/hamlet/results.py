"""What grading found out about each student: the data behind grades.csv and the tutor page."""

from __future__ import annotations

from dataclasses import dataclass, field

from .declaration import load, task_of


@dataclass
class CellScore:
    """One graded cell of one student.

    ``score`` is None for a manually graded cell nobody has graded yet; ``regrade`` when a
    tutor graded it, but its answer changed since (to grade again); ``review`` why the
    outside verdicts could not judge it (it scores 0 until a tutor reviews it).
    """

    grade_id: str
    score: float | None
    max_score: float
    manual: bool = False
    regrade: bool = False
    review: str = ""

    @property
    def task(self) -> str:
        return task_of(self.grade_id)


@dataclass(frozen=True)
class Diagnosis:
    """One failed task of one student: the misconception code of the failure ("" when the check
    or hidden test gave none) and the message that counted."""

    task: str
    code: str
    message: str

    @property
    def misconception(self) -> str:
        """The code in plain words, for tutors (``hamlet_utils.misconceptions``)."""
        from hamlet_utils.misconceptions import describe

        return describe(self.code) if self.code else ""


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
        Human-readable problems: "timeout in <cell>", "kernel died in <cell>",
        "edited test cell <cell>", "not a notebook: ...".
    curves_png : bytes or None
        The loss/accuracy plot from the executed notebook.
    trained_png : bytes or None
        The curves the student trained, from the notebook as handed in (all its epochs), beside
        the grading run's (:mod:`hamlet.training_logs`); ``trained_note`` says when there are none.
    feedback : str or None
        Path of the feedback HTML, relative to the output folder.
    seconds : float
        Wall time spent grading this student.
    penalty : float
        Points off for late work (course file's late policy); ``late`` says why, in words.
    submitted, graded : str or None
        ISO times of the hand-in (None: unknown) and of its grading, in run ``run``.
    graded_this_run : bool
        Graded in the latest run, not kept from an earlier one.
    diagnoses : list of Diagnosis
        The autograded tasks the outside verdicts failed, in notebook order: what the
        visible check or hidden test said, and its misconception code ("" without one).
    verdicts, hidden : dict, frozenset
        The outside verdicts (``{task: [passed, message]}``) and the tasks a hidden test failed.
    page : str or None
        The student's feedback page (:mod:`hamlet.student_page`), relative to the session's folder.
    """

    student: str
    session: str
    cells: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    curves_png: bytes | None = None
    trained_png: bytes | None = None
    trained_note: str = ""
    feedback: str | None = None
    seconds: float = 0.0
    penalty: float = 0.0
    late: str = ""
    submitted: str | None = None
    graded: str | None = None
    run: int = 0
    graded_this_run: bool = False
    diagnoses: list = field(default_factory=list)
    verdicts: dict = field(default_factory=dict)  # task -> [passed, message], the outside verdicts
    hidden: frozenset = frozenset()  # tasks a hidden test failed (its words are not the student's)
    page: str | None = None  # the student's feedback page, relative to the session's folder

    def _sum(self, bonus: bool, attribute: str) -> float:
        """Over the regular cells, or the bonus ones (the session's declaration says which)."""
        bonus_tasks = load(self.session).bonus_tasks
        return sum(getattr(cell, attribute) or 0.0 for cell in self.cells if (cell.task in bonus_tasks) == bonus)

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
        """Regular points plus bonus points, less the late penalty."""
        return self.score + self.bonus_score - self.penalty

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

    def regrade_tasks(self) -> set:
        """Tasks a tutor graded whose answer changed since."""
        return {cell.task for cell in self.cells if cell.regrade}

    def review_tasks(self) -> dict:
        """``{task: why}``: tasks the outside verdicts could not judge, not yet reviewed by a tutor."""
        return {cell.task: cell.review for cell in self.cells if cell.review}

    @property
    def cells_to_grade(self) -> int:
        """Cells a tutor still has to look at: manual ones not graded yet, and ones to review."""
        return sum(cell.score is None or bool(cell.review) for cell in self.cells)
