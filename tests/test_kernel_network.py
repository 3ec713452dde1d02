"""nbgrader's kernels without network: a real grading kernel, started through the grading kernel
spec over jupyter_client's IPC transport, runs code but reaches nothing over TCP."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap

import pytest
from jupyter_client.manager import KernelManager

from hamlet import kernel_launcher, sandbox

needs_bwrap = pytest.mark.skipif(sandbox.bubblewrap() is None, reason="bubblewrap is not available here")

#: a slot number no grading run on this machine uses, so that its kernel user's process limit is the test's own
SLOT = 97

# a kernel cell: one TCP connection, and what became of it
PROBE = textwrap.dedent('''
    import socket
    try:
        socket.create_connection(({host!r}, {port}), timeout=3).close()
        print("connected")
    except OSError as error:
        print("failed:", type(error).__name__, error)
''')


def run_cell(client, code: str) -> str:
    """What the cell printed; it must run without an error."""
    printed = []

    def keep(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
    reply = client.execute_interactive(code, timeout=30, output_hook=keep)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(printed)


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A grading kernel as a slot's nbgrader starts it: the run's kernel spec first in JUPYTER_PATH,
    the slot's runtime folder and nbgrader's KernelManager settings for IPC; the client, the manager
    and the runtime folder."""
    spec = kernel_launcher.write_kernel_spec(tmp_path / "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", str(spec))
    runtime = kernel_launcher.RuntimeFolder(SLOT)
    notebook_folder = tmp_path / "notebook"
    notebook_folder.mkdir()
    manager = KernelManager(kernel_name="python3", **kernel_launcher.kernel_manager_settings(runtime.path, "ipc"))
    client = None
    try:
        assert manager.kernel_spec.display_name == "Python 3 (HaMLeT grading sandbox)"  # ours, not the venv's
        manager.start_kernel(cwd=str(notebook_folder), env={**os.environ, "HAMLET_SLOT": str(SLOT)})
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        yield client, manager, runtime
    finally:
        if client is not None:
            client.stop_channels()
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
        runtime.remove()


def host_address() -> str | None:
    """The host's address on its network (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))  # UDP: picks the outgoing address, sends nothing
            address = probe.getsockname()[0]
        except OSError:
            address = None
    if address and not address.startswith("127."):
        return address
    try:
        addresses = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        return None
    return next((address for address in addresses if not address.startswith("127.")), None)


def assert_unreachable_from_the_kernel(client, host: str) -> None:
    """A listener on ``host`` that this process reaches and the kernel does not."""
    with socket.create_server((host, 0)) as listener:
        port = listener.getsockname()[1]
        with socket.create_connection((host, port), timeout=3):  # the host reaches it: the test is not vacuous
            listener.accept()[0].close()
        printed = run_cell(client, PROBE.format(host=host, port=port))
        assert printed.startswith("failed:"), printed
        listener.settimeout(0.5)
        with pytest.raises(TimeoutError):  # and nothing of the kernel's arrived
            listener.accept()


@pytest.mark.sandbox
@needs_bwrap
def test_the_kernel_runs_code_and_answers_over_ipc(kernel):
    client, manager, runtime = kernel
    assert run_cell(client, "print(1 + 1)") == "2\n"
    info = json.loads(open(manager.connection_file).read())
    assert info["transport"] == "ipc" and manager.connection_file.startswith(f"{runtime.path}/")
    # the kernel made its sockets in the slot's sockets folder, as the slot's kernel user
    for port in manager.ports:
        status = os.lstat(f"{info['ip']}-{port}")
        assert stat.S_ISSOCK(status.st_mode) and os.path.dirname(info["ip"]) == str(runtime.sockets)
        assert status.st_uid == kernel_launcher.kernel_user(SLOT)
    assert run_cell(client, "import os\nprint(os.getuid())") == f"{kernel_launcher.kernel_user(SLOT)}\n"


@pytest.mark.sandbox
@needs_bwrap
def test_a_kernel_cell_cannot_reach_the_hosts_loopback(kernel):
    client, _, _ = kernel
    assert_unreachable_from_the_kernel(client, "127.0.0.1")


@pytest.mark.sandbox
@needs_bwrap
def test_a_kernel_cell_cannot_reach_the_hosts_network_address(kernel):
    address = host_address()
    if address is None:
        pytest.skip("this host has no address but loopback")
    client, _, _ = kernel
    assert_unreachable_from_the_kernel(client, address)


@pytest.mark.sandbox
@needs_bwrap
def test_every_protection_is_in_force_with_bubblewrap():
    assert sandbox.protections()["no network for nbgrader's kernels"] is None
    if sandbox.can_change_user():  # as root: every one
        assert [line for line in sandbox.describe() if "NOT available" in line] == []


@pytest.mark.sandbox
@needs_bwrap
def test_a_kernel_asked_for_tcp_ends_at_once_saying_why(tmp_path, monkeypatch, capfd):
    """In its network namespace nbgrader could never reach it: no waiting for the start-up timeout."""
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_launcher.write_kernel_spec(tmp_path / "jupyter")))
    manager = KernelManager(kernel_name="python3", connection_file=str(tmp_path / "kernel.json"))
    manager.start_kernel(cwd=str(tmp_path), env={**os.environ, "HAMLET_SLOT": str(SLOT)})
    client = manager.client()
    try:
        client.start_channels()
        with pytest.raises(RuntimeError, match="Kernel died"):
            client.wait_for_ready(timeout=30)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert "hamlet.kernel_launcher: the kernel has no network in its sandbox" in capfd.readouterr().err


# ----------------------------------------------------------------------------- the slot's runtime folder

def test_a_runtime_folder_is_short_private_and_emptied_for_each_student():
    runtime = kernel_launcher.RuntimeFolder(SLOT)
    try:
        settings = kernel_launcher.kernel_manager_settings(runtime.path, "ipc")
        assert len(f"{settings['ip']}-99") < 100  # a unix socket's path has at most 107 bytes
        assert stat.S_IMODE(runtime.path.stat().st_mode) == 0o700 and runtime.path.stat().st_uid == os.geteuid()
        assert stat.S_IMODE(runtime.sockets.stat().st_mode) == 0o700
        assert runtime.sockets.stat().st_uid == kernel_launcher.kernel_user(SLOT)
        # what one student's kernel leaves, the next one's does not find
        (runtime.sockets / "answers.py").write_text("solution = 42")
        (runtime.sockets / "folder").mkdir()
        (runtime.sockets / "link").symlink_to("/etc/hostname")
        (runtime.path / "kernel-1.json").write_text("{}")
        runtime.empty()
        assert [path.name for path in runtime.path.iterdir()] == ["sockets"] and not any(runtime.sockets.iterdir())
        assert os.path.exists("/etc/hostname")
    finally:
        runtime.remove()
    assert not runtime.path.exists()
    runtime.remove()  # once more: nothing to do


def test_tcp_settings_leave_jupyter_clients_address_alone(tmp_path):
    settings = kernel_launcher.kernel_manager_settings(tmp_path, "tcp")
    assert settings == {"transport": "tcp", "connection_file": str(tmp_path / f"kernel-{os.getpid()}.json")}


@needs_bwrap
@pytest.mark.parametrize("connection, problem", [
    ({"transport": "tcp", "ip": "127.0.0.1"}, "can only reach it over IPC"),
    ({"transport": "ipc", "ip": "kernel-ipc"}, "is not absolute"),
    ({"transport": "ipc", "ip": "/nonexistent/hamlet/kernel-ipc"}, "does not exist"),
    ({"transport": "ipc", "ip": "/tmp/kernel-ipc"}, "must be a folder of the kernel's user alone"),
])
def test_the_launcher_refuses_sockets_it_cannot_or_must_not_make(connection, problem):
    with pytest.raises(ValueError, match=problem):
        kernel_launcher.socket_folder(connection, SLOT)


def test_without_bubblewrap_the_kernels_keep_tcp_and_the_protections_say_why(tmp_path):
    """A machine without bwrap (none on PATH): the course's config keeps TCP, as before."""
    code = ("import json; from hamlet import kernel_launcher, sandbox; "
            "print(json.dumps([sandbox.bubblewrap(), kernel_launcher.kernel_transport(), "
            "sandbox.protections()[\"no network for nbgrader's kernels\"], kernel_launcher.kernel_user(3)]))")
    found = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PATH": str(tmp_path)},
                           capture_output=True, text=True, timeout=60, check=True)
    bwrap, transport, why, user = json.loads(found.stdout)
    assert bwrap is None and transport == "tcp" and user == os.geteuid()
    assert "needs bubblewrap" in why and "TCP" in why
