"""Grading slot numbers, leased machine-wide.

A slot's number picks its sandbox users (:data:`hamlet.sandbox.SLOT_UID_BASE` + number for its
outside verdicts' workers, + :data:`hamlet.kernel_launcher.KERNEL_UID_OFFSET` for its kernels):
the process limit counts one user's processes, and a user's files are that slot's.  Two graders
on one machine -- two ``hamlet grade`` runs, the reference's measurement, two Dask workers --
must never use the same number at once, so every slot is leased here: an exclusive ``flock``
on ``/tmp/hamlet-slots/<number>.lock``, held for as long as the slot lives and released by the
kernel when its process ends, however it ends (a killed Dask worker leaks no slot).
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

#: where the lock files are; outside every sandbox (each has an empty /tmp of its own)
LOCK_FOLDER = Path("/tmp/hamlet-slots")
#: slot numbers 0 .. SLOT_COUNT - 1: the kernels' users start SLOT_COUNT above the workers'
SLOT_COUNT = 100


class NoFreeSlot(RuntimeError):
    """Every slot number of this machine is in use."""


class SlotLease:
    """One slot number, this process's until :meth:`release` (or until the process ends)."""

    def __init__(self, number: int, descriptor: int):
        self.number, self._descriptor = number, descriptor

    def release(self) -> None:
        """Give the number back (again: nothing to do)."""
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing the file ends the lock
            self._descriptor = None

    def __repr__(self) -> str:
        return f"SlotLease({self.number})"


def _open(number: int) -> int:
    if not LOCK_FOLDER.is_dir():
        LOCK_FOLDER.mkdir(exist_ok=True)
        try:
            LOCK_FOLDER.chmod(0o1777)  # every user's graders lease from the one folder, like /tmp
        except PermissionError:
            pass
    path = LOCK_FOLDER / f"{number}.lock"
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:  # another user's lock file: a read-only descriptor locks as well
        return os.open(path, os.O_RDONLY)


def take(count: int = 1) -> list[SlotLease]:
    """The ``count`` lowest slot numbers no other process holds, leased to this one."""
    leases: list[SlotLease] = []
    for number in range(SLOT_COUNT):
        if len(leases) == count:
            return leases
        descriptor = _open(number)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(descriptor)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                continue  # another grader's
            raise
        leases.append(SlotLease(number, descriptor))
    if len(leases) == count:
        return leases
    for lease in leases:
        lease.release()
    raise NoFreeSlot(f"all {SLOT_COUNT} grading slots of this machine are in use (see {LOCK_FOLDER}); "
                     f"wait for another grading run to end, or use fewer --jobs")
