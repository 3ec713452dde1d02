"""Grading slot numbers, leased machine-wide: no two processes hold one number at once."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from hamlet import slots

HOLDER = """
import sys, time
sys.path.insert(0, {autograde!r})
from pathlib import Path
from hamlet import slots
slots.LOCK_FOLDER = Path({folder!r})
leases = slots.take({count})
print(" ".join(str(lease.number) for lease in leases), flush=True)
time.sleep(60)
"""


@pytest.fixture(autouse=True)
def own_lock_folder(tmp_path, monkeypatch):
    """Slots of these tests' own: a grading run elsewhere on the machine holds real ones."""
    monkeypatch.setattr(slots, "LOCK_FOLDER", tmp_path / "slots")
    return tmp_path / "slots"


def _holder(count: int) -> tuple[subprocess.Popen, set]:
    from hamlet import course

    process = subprocess.Popen([sys.executable, "-c", HOLDER.format(autograde=str(course.AUTOGRADE), count=count,
                                                                     folder=str(slots.LOCK_FOLDER))],
                               stdout=subprocess.PIPE, text=True)
    return process, {int(number) for number in process.stdout.readline().split()}


def test_another_process_never_gets_a_number_held_and_gets_it_once_its_holder_dies():
    process, held = _holder(2)
    try:
        assert len(held) == 2
        mine = slots.take(3)
        numbers = {lease.number for lease in mine}
        assert len(numbers) == 3 and not numbers & held
        for lease in mine:
            lease.release()
    finally:
        process.kill()
        process.wait()
    # the kernel ends a dead process's locks: its numbers are free again
    again = slots.take(slots.SLOT_COUNT // 2)
    try:
        assert held <= {lease.number for lease in again}
    finally:
        for lease in again:
            lease.release()


def test_a_lease_released_is_free_at_once_and_releasing_twice_is_harmless():
    (first,) = slots.take(1)
    first.release()
    first.release()
    (second,) = slots.take(1)
    try:
        assert second.number == first.number
    finally:
        second.release()


def test_a_machine_with_every_slot_taken_says_so(monkeypatch):
    monkeypatch.setattr(slots, "SLOT_COUNT", 3)
    held = slots.take(3)
    try:
        with pytest.raises(slots.NoFreeSlot, match="all 3 grading slots of this machine are in use"):
            slots.take(1)
    finally:
        for lease in held:
            lease.release()
