"""The runtime folder of a grading slot's nbgrader: its kernels' connection files, apart from other slots'."""

from __future__ import annotations

import os
import stat

from hamlet import kernel_launcher

#: a slot number no grading run on this machine uses, so that its kernel user's process limit is the test's own
SLOT = 97


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
