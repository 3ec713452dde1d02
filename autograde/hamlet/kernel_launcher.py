"""Start the grading kernel of one student sandboxed: ``python -m hamlet.kernel_launcher -f CONNECTION_FILE``.

nbgrader starts kernels from the kernel spec that ``hamlet grade`` writes for its
run (``python3``, found first through ``JUPYTER_PATH``); the spec runs this module,
which starts ``ipykernel`` under the protections of :mod:`hamlet.sandbox`:

* the resource limits (memory, CPU time, processes, file size, no core files);
* with bubblewrap: a filesystem holding only Python, the environment's packages,
  ``hamlet_utils``, the ``hamlet`` package (the hidden tests import it), the MNIST
  files and the student's own notebook folder -- no solutions, no other students,
  no gradebook, no output folder; writable only the folder of its sockets, its own
  copy of its connection file and the folder where it leaves its trained networks
  (``HAMLET_TRAINED_DIR``, :mod:`hamlet.trained`) -- a PID namespace, so nothing the
  student starts outlives the kernel (a detached process dies with it), and a
  network namespace of its own: no network at all.  nbgrader talks to it over
  jupyter_client's IPC transport (ZeroMQ over unix sockets, which reach across
  network namespaces): the kernel creates its sockets in the ``sockets`` folder of
  its grading slot's runtime folder (:class:`RuntimeFolder`,
  :func:`kernel_manager_settings`);
* as root: an unprivileged user of its own per grading slot (``HAMLET_SLOT``), so the
  process limit holds and nothing of the grader's is writable.

Without bubblewrap nbgrader talks to the kernel over TCP, jupyter_client's default, and
the kernel has the machine's network (:func:`hamlet.sandbox.protections` says so).
Verdicts do not depend on the kernel anyway (see :mod:`hamlet.verdicts`).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import stat
import sys
import tempfile
from pathlib import Path

from . import course, declaration, sandbox

#: kernels use user ids apart from the outside workers'
KERNEL_UID_OFFSET = 100


def kernel_user(slot: int) -> int:
    """The user id the kernels of grading slot ``slot`` run as: one of their own when grading runs
    as root with bubblewrap, else the grader's."""
    if sandbox.bubblewrap() and sandbox.can_change_user():
        return sandbox.SLOT_UID_BASE + KERNEL_UID_OFFSET + slot
    return os.geteuid()


def kernel_transport() -> str:
    """How nbgrader talks to its kernels: over unix sockets where they have no network (bubblewrap),
    else over TCP, jupyter_client's default."""
    return "ipc" if sandbox.bubblewrap() else "tcp"


#: the parent of the slots' runtime folders: short, since a unix socket's path has at most 107 bytes
RUNTIME_PARENT = Path("/tmp")
#: in a runtime folder, where the kernels create their IPC sockets: the one part of it they may write
SOCKETS = "sockets"


def kernel_manager_settings(runtime_dir, transport: str) -> dict:
    """The ``KernelManager`` traits of a grading slot's nbgrader (``c.KernelManager`` in the course's
    ``nbgrader_config.py``), for its runtime folder (``JUPYTER_RUNTIME_DIR``, :class:`RuntimeFolder`).

    The connection file of its kernels (one at a time) is in the runtime folder, not in
    ``/tmp`` beside every other slot's.  With ``ipc`` the sockets' path prefix (``ip``) is in
    its ``sockets`` folder: jupyter_client's default (the connection file's path less ``.json``,
    plus ``-ipc``) would put the sockets beside the grader's connection files, where no kernel
    may write."""
    name = f"kernel-{os.getpid()}"  # the name jupyter_client documents as its default, in this folder
    settings = {"transport": transport, "connection_file": os.path.join(runtime_dir, f"{name}.json")}
    if transport == "ipc":
        settings["ip"] = os.path.join(runtime_dir, SOCKETS, f"{name}-ipc")
    return settings


class RuntimeFolder:
    """The runtime folder (``JUPYTER_RUNTIME_DIR``) of one grading slot's nbgrader, under ``/tmp``.

    The folder, the grader's (mode 0700), holds the connection files of the slot's kernels,
    each kernel's private copy of its own (``hamlet-kernel-*``, see :func:`main`) and, in
    :attr:`sockets`, their IPC sockets, apart from every other slot's.  :attr:`sockets`
    belongs to the slot's kernel user (mode 0700), who must create the sockets; the
    grader (root) connects to them anyway.  A kernel can write there, so :meth:`empty`
    clears the folder before every student: nothing one student's kernel leaves reaches
    the next one's.  :meth:`remove` deletes it, this folder made here and nothing else.
    """

    def __init__(self, slot: int):
        self.slot = slot
        self.path = Path(tempfile.mkdtemp(prefix=f"hamlet-jupyter-slot{slot}-", dir=RUNTIME_PARENT))
        self.empty()

    @property
    def sockets(self) -> Path:
        return self.path / SOCKETS

    def empty(self) -> None:
        """Everything in the folder removed and :attr:`sockets` made again, while no kernel of the slot runs."""
        for entry in self.path.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        self.sockets.mkdir(mode=0o700)
        owner = kernel_user(self.slot)
        os.chown(self.sockets, owner, owner)

    def remove(self) -> None:
        """The folder and everything in it removed (again: nothing to do)."""
        try:
            shutil.rmtree(self.path)
        except FileNotFoundError:
            pass


def socket_folder(connection: dict, slot: int) -> Path:
    """The folder in which a sandboxed kernel with the connection info ``connection`` creates its
    IPC sockets, checked; ``ValueError`` says what is wrong.

    The kernel has no network, so only the ``ipc`` transport reaches it; its sockets'
    prefix ``ip`` must be an absolute path in a folder of the kernel's user alone (owned
    by it, mode 0700), as :class:`RuntimeFolder` makes: it is bound writable into the
    sandbox, and no folder of the grader's or of a person may be."""
    transport = connection.get("transport", "tcp")
    if transport != "ipc":
        raise ValueError(f"the kernel has no network in its sandbox, so nbgrader can only reach it over IPC, "
                         f"but its connection file asks for {transport!r} (c.KernelManager.transport = 'ipc', "
                         f"see hamlet.kernel_launcher.kernel_manager_settings)")
    prefix = connection.get("ip") or ""
    if not os.path.isabs(prefix):
        raise ValueError(f"the path of the kernel's IPC sockets {prefix!r} is not absolute: they would be made in "
                         f"its working folder, the student's read-only notebook folder (c.KernelManager.ip, "
                         f"see hamlet.kernel_launcher.kernel_manager_settings)")
    folder = Path(prefix).parent
    owner = kernel_user(slot)
    try:
        status = folder.lstat()
    except FileNotFoundError:
        raise ValueError(f"the folder of the kernel's IPC sockets {folder} does not exist") from None
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != owner or status.st_mode & 0o077:
        found = "a directory" if stat.S_ISDIR(status.st_mode) else "not a directory"
        raise ValueError(f"the folder of the kernel's IPC sockets {folder} must be a folder of the kernel's user "
                         f"alone (a directory owned by uid {owner}, mode 0700, as hamlet.kernel_launcher."
                         f"RuntimeFolder makes); it is {found} owned by uid {status.st_uid}, "
                         f"mode {stat.S_IMODE(status.st_mode):04o}")
    return folder


def kernel_command(connection_file: str, slot: int, sockets: Path | None) -> list[str]:
    """ipykernel in a sandbox without network (nbgrader reaches it over IPC, through the sockets it
    creates in ``sockets``): the environment nbgrader set up stays, its notebook folder is
    readable, and so are the session declarations and hidden tests (``solutions/*/*.py``, never a
    notebook); ``sockets``, its connection file's folder and its trained-network folder are writable."""
    import hamlet

    writable = [path for path in (sockets, Path(connection_file).parent) if path is not None]
    if os.environ.get("HAMLET_TRAINED_DIR"):
        writable.append(Path(os.environ["HAMLET_TRAINED_DIR"]))
    return sandbox.wrap([os.path.abspath(sys.executable), "-m", "ipykernel_launcher", "-f", connection_file],
                        readable=[*sandbox.readable_paths(), Path(hamlet.__file__).resolve().parent, Path.cwd(),
                                  *(path for session in course.sessions() for path in declaration.code_files(session))],
                        writable=writable, chdir=str(Path.cwd()), uid=kernel_user(slot), clear_environment=False,
                        unset=["JPY_PARENT_PID"],  # its parent is not visible in the sandbox
                        environment={"HOME": "/tmp", "MPLCONFIGDIR": "/tmp", "IPYTHONDIR": "/tmp/ipython"})


#: prctl(2) option: the signal this process gets when its parent dies
PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None) -> None:
    """Be killed when the nbgrader that started this kernel dies, from now on.

    bubblewrap's ``--die-with-parent`` only covers the time after the ``exec``: if
    nbgrader is killed (Ctrl-C, a timeout) while this launcher is still starting, the
    launcher is handed to init and bubblewrap would then die with init, i.e. never.
    The parent-death signal survives ``exec`` (bubblewrap is not set-user-ID here);
    checking the parent after setting it closes the window before it."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if parent_pid is not None and os.getppid() != parent_pid:
        sys.exit("hamlet.kernel_launcher: the process that started this kernel is gone; not starting it")


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    # jupyter_client tells a kernel who started it
    parent = os.environ.get("JPY_PARENT_PID", "")
    die_with_parent(int(parent) if parent.isdigit() else None)
    connection_file = argv[argv.index("-f") + 1]
    slot = int(os.environ.get("HAMLET_SLOT", "0"))
    limits = sandbox.Limits(cpu_seconds=int(os.environ.get("HAMLET_KERNEL_CPU_SECONDS", "7200")))
    sockets = None
    if sandbox.bubblewrap():
        connection = json.loads(Path(connection_file).read_text())
        try:
            sockets = socket_folder(connection, slot)
        except ValueError as error:
            sys.exit(f"hamlet.kernel_launcher: {error}")
        # the connection file, readable by the kernel's user alone, in a folder of its own beside the
        # grader's (in a slot's runtime folder: emptied before the next student, removed with the slot)
        private = Path(tempfile.mkdtemp(prefix="hamlet-kernel-", dir=Path(connection_file).parent))
        copy = private / "connection.json"
        copy.write_text(json.dumps(connection))
        if sandbox.can_change_user():
            uid = kernel_user(slot)
            for path in (private, copy):
                os.chown(path, uid, uid)
            if os.environ.get("HAMLET_TRAINED_DIR"):
                os.chown(os.environ["HAMLET_TRAINED_DIR"], uid, uid)
        os.chmod(copy, 0o600)
        connection_file = str(copy)
    sandbox.set_limits(limits)
    command = kernel_command(connection_file, slot, sockets)
    os.execv(command[0], command)


def write_kernel_spec(folder: Path) -> Path:
    """``folder/kernels/python3/kernel.json`` running this launcher; put ``folder`` first in JUPYTER_PATH."""
    spec = folder / "kernels" / "python3"
    shutil.rmtree(spec, ignore_errors=True)
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "hamlet.kernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (HaMLeT grading sandbox)", "language": "python",
        # interrupts as a message: a SIGINT to the process group would also end the sandbox around the kernel
        "interrupt_mode": "message", "metadata": {"debugger": False}}, indent=1))
    return folder


if __name__ == "__main__":
    main()
