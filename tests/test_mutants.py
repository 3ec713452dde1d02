"""The mutation corpus (tests/mutants.py): what already holds.

Tested: the corpus is large, covers every unit task of Sessions 5 and 6 and is generated
deterministically; the equivalence probe agrees with the hand-written corpora; every
*equivalent* mutant (a correct, unusual solution) passes every check of its class.

Tested since issue #12: no non-equivalent mutant passes its task's check (no false pass), no
check crashes on one, every failure carries a registered misconception code, and the share of
diagnosed mutants of the *held-out* half does not fall below the level reached
(:data:`HELD_OUT_DIAGNOSED_FLOOR`).  How well each message diagnoses is measured by
benchmarks/bench_diagnoses.py.
"""

from __future__ import annotations

import functools

import pytest

from hamlet_utils.misconceptions import CODES

import corpus as hand_corpus
import mutant_probes
import mutants
import test_session05

CORPUS = mutants.corpus()
EQUIVALENT = [m for m in CORPUS if m.equivalent]
#: the diagnosed shares reached when issue #12 was worked on, rounded down: regression guards, not
#: goals (the held-out half was 0.713 when the second stage of that work began; every stage since
#: looked at it too, so the honest measurements are the corpora held apart, bench_diagnoses.py
#: --split unseen|unseen2|unseen3|...)
HELD_OUT_DIAGNOSED_FLOOR = 0.96
#: ... and of the dev corpora written later (mutants.DEV_CORPORA), each written by another author
DEV_CORPORA_DIAGNOSED_FLOOR = 0.90


@functools.lru_cache(maxsize=1)
def _results() -> tuple:
    return tuple(mutants.measure_all())


#: mistakes whose own task's check passes by design and that another check of the class fails: an
#: estimate storing its input under another name than gradient reads (the estimate's check judges what
#: is stored whatever its name; the gradient's check fails and names the attributes)
CAUGHT_BY_ANOTHER_TASK = {"s06.fresh3.mse_est_target_attribute_typo": "2c",
                          "s06.fresh4.ce_est_prediction_attribute_from_mse": "6c"}


def test_no_false_passes():
    """Every non-equivalent mutant fails (not passes, not defers) its own task's check -- or, for the
    few listed, the check of the task that uses what it got wrong."""
    passed = {r["id"]: r["caught_by"] for r in _results() if not r["equivalent"] and r["outcome"] == "passed"}
    assert {i: caught for i, caught in passed.items() if CAUGHT_BY_ANOTHER_TASK.get(i) not in caught} == {}


def test_no_check_crashes():
    """No exception but CheckFailed escapes a check, whatever the mutant does."""
    crashed = [(r["id"], task) for r in _results() for task, check in r["checks"].items()
               if check["status"] == "raised"]
    assert crashed == []


def test_no_false_fails_in_the_measurement():
    assert [r["id"] for r in _results() if r["outcome"] == "false_fail"] == []


def test_every_failure_has_a_registered_code():
    unknown = set()
    for mutant in CORPUS:
        for check in mutants.checks_of(mutant).values():
            code = mutants.failure_code(check)
            if code is not None and code not in CODES:
                unknown.add((mutant.id, code))
    assert unknown == set()


def test_held_out_diagnosed_share_does_not_regress():
    held_out = mutants.split(list(_results()), "held-out")
    assert mutants.shares(held_out)["shares"]["diagnosed"] >= HELD_OUT_DIAGNOSED_FLOOR


def test_dev_corpora_diagnosed_share_does_not_regress():
    written_later = [r for r in _results() if r["operator"] in mutants.DEV_CORPORA]
    assert mutants.shares(written_later)["shares"]["diagnosed"] >= DEV_CORPORA_DIAGNOSED_FLOOR


def test_split_is_deterministic_and_halves_the_corpus():
    ids = [m.id for m in CORPUS if m.operator not in mutants.DEV_CORPORA]  # the dev corpora are all dev
    halves = [mutants.half(i) for i in ids]
    assert halves == [mutants.half(i) for i in ids]
    assert set(halves) == {"dev", "held-out"}
    assert 0.35 < halves.count("dev") / len(ids) < 0.65
    assert len(mutants.split(CORPUS, "dev")) + len(mutants.split(CORPUS, "held-out")) == len(CORPUS)


def test_corpus_is_large():
    assert len(CORPUS) > 300
    assert len({m.id for m in CORPUS}) == len(CORPUS)
    assert sum(m.operator == "handwritten" for m in CORPUS) >= 20
    assert {m.operator for m in CORPUS} == {op.__name__ for op in mutants.mutation_operators.OPERATORS} | {
        "handwritten", *mutants.DEV_CORPORA}
    assert all(mutants.half(m.id) == "dev" for m in CORPUS if m.operator in mutants.DEV_CORPORA)


def test_corpus_covers_every_unit_task_of_both_sessions():
    tasks = {(session, task) for (session, _, _), task in mutants.UNITS.items()}
    for session, task in tasks:
        wrong = [m for m in CORPUS if (m.session, m.task) == (session, task) and not m.equivalent]
        assert len(wrong) >= 5, (session, task)
    assert {(m.session, m.owner, m.method) for m in CORPUS} == set(mutants.UNITS)


def test_every_label_is_known():
    for mutant in CORPUS:
        assert mutant.kind in mutants.KIND_WORDS, mutant.id
        assert mutant.quantity in mutants.QUANTITY_WORDS, mutant.id


def test_generation_is_deterministic():
    first, second = mutants.generated(), mutants.generated()
    assert [(m.id, m.source, m.label) for m in first] == [(m.id, m.source, m.label) for m in second]
    assert [(m.id, m.source) for m in first] == [(m.id, m.source) for m in CORPUS
                                                 if m.operator not in ("handwritten", *mutants.DEV_CORPORA)]
    assert [mutants.mark_equivalent(m) for m in first[:80]] == [m.equivalent for m in CORPUS[:80]]


def test_mutants_differ_from_the_reference_and_each_other():
    assert len({m.source for m in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("operator", ["swap_addition"])
def test_control_operator_gives_only_equivalent_mutants(operator):
    """a + b -> b + a never changes a result: the probe must call all of them equivalent."""
    assert all(m.equivalent for m in CORPUS if m.operator == operator)


def test_probe_agrees_with_the_hand_written_corpora():
    """The equivalence probe, independent of the checks, sorts the existing hand-written
    submissions as their own tests do: WRONG ones differ from the reference, CORRECT ones do not."""
    reference = mutants.namespace(mutants.S6)
    for submission in hand_corpus.WRONG + hand_corpus.CORRECT:
        assert mutant_probes.equivalent(submission.kind, submission.build(reference),
                                        reference[submission.kind]) == submission.correct, submission.name
    reference = mutants.namespace(mutants.S5)
    for submission in test_session05.WRONG + test_session05.CORRECT:
        owner = test_session05.KINDS[submission.task]
        assert mutant_probes.equivalent(owner, submission.function, reference[owner]) == (
            submission in test_session05.CORRECT), submission.name


def test_reference_is_equivalent_to_itself():
    for session, owner, method in mutants.UNITS:
        unit = owner or method
        reference = mutants.namespace(session)[unit]
        assert mutant_probes.equivalent(unit, reference, reference), unit


@pytest.mark.parametrize("mutant", EQUIVALENT, ids=[m.id for m in EQUIVALENT])
def test_equivalent_mutant_passes_every_check_of_its_class(mutant):
    """A correct, unusual solution: no check of its class may fail it (a false fail)."""
    outcomes = {task: mutants.run_check(check) for task, check in mutants.checks_of(mutant).items()}
    assert all(status == "passed" for status, _ in outcomes.values()), (mutant.source, outcomes)


def test_classification_of_messages():
    """The keyword table: a few messages with known verdicts."""
    mutant = next(m for m in CORPUS if m.label == ("dw", "transposed"))
    assert mutants.classify("failed", "Task 2d: Linear(4, 4).backward: dw is transposed.", mutant) == "diagnosed"
    assert mutants.classify("failed", "Task 2d: Linear.backward raised ValueError: matmul: shapes.", mutant) \
        == "generic"
    assert mutants.classify("failed", "Task 2d: dw differs from the finite-difference estimate "
                                      "(relative error 1e-1).", mutant) == "generic"
    assert mutants.classify("failed", "Task 2d: dw has the wrong sign.", mutant) == "misdiagnosed"
    assert mutants.classify("passed", "Task 2d passed: ...", mutant) == "passed"
    assert mutants.classify("raised", "ValueError: ...", mutant) == "raised"


# --------------------------------------------------------------------------- the hidden tests agree

#: wrong code the hidden tests credit by design: a Network method that reaches the course's own
#: layers without calling their methods (it sets dw itself, or skips layers without w) has the
#: right effect on them; the visible check, with layers of its own, still fails it
JUDGED_BY_EFFECT = {("Network", "zero_gradients"), ("Network", "update_parameters")}


def test_correct_code_passes_every_hidden_test_of_its_class():
    """No equivalent mutant (the probe cannot tell it from the reference) loses a hidden test's points."""
    failed = {(m.id, task): failure for m in CORPUS if m.equivalent for task in mutants.tasks_of(m)
              if (failure := mutants.hidden_verdict(m, task)) is not None}
    assert failed == {}


def test_wrong_code_fails_a_hidden_test_of_its_class():
    """Every mutant its own visible check fails also fails a hidden test that scores (its own, or one
    of its class that uses it): no wrong unit earns all its points."""
    results = {r["id"]: r for r in _results()}
    credited = [m.id for m in CORPUS if not m.equivalent and results[m.id]["status"] == "failed"
                and (m.owner, m.method) not in JUDGED_BY_EFFECT
                and all(mutants.hidden_verdict(m, task) is None for task in mutants.tasks_of(m))]
    assert credited == []
