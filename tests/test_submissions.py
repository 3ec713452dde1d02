"""Collecting submissions with their times: nbgrader's layout, Moodle's and Canvas's downloads, zips."""

from __future__ import annotations

import unicodedata
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest

from hamlet.submissions import _student_id, collect_submissions, sessions_in

UTC = timezone.utc
SESSION = "06_backpropagation"
KNOWN = ["05_sigmoid_neuron", SESSION]
WORKSHEET = (
    "\ufeffIdentifier,\"Full name\",\"Email address\",Status,Grade,\"Maximum Grade\",\"Grade can be changed\","
    "\"Last modified (submission)\",\"Last modified (grade)\",\"Feedback comments\"\n"
    "\"Participant 123456\",\"Ada Lovelace\",ada@uni.example,\"Submitted for grading\",,100.00,Yes,"
    "\"Friday, 20 November 2026, 11:59 PM\",-,\n"
    "\"Participant 123457\",\"Jürgen Müller\",jm@uni.example,\"Submitted for grading\",,100.00,Yes,"
    "\"Sunday, 22 November 2026, 2:05 AM\",-,\n"
    "\"Participant 123458\",\"Cleo Untouched\",,\"No submission\",,100.00,Yes,-,-,\n"
)


def notebook(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(), str(path))
    return path


def text(path: Path, content: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def collect(path, tmp_path, **options):
    return {s.student: s for s in collect_submissions(path, SESSION, tmp_path / "scratch", **options)}


def zip_of(folder: Path, archive: Path, utf8_flag: bool = True) -> Path:
    """``folder`` zipped; without ``utf8_flag`` the names are stored as rubyzip (Canvas) stores them:
    UTF-8 bytes without the zip's UTF-8 flag (bit 11 of the general purpose flags)."""
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, path.relative_to(folder).as_posix())
    if not utf8_flag:
        data = bytearray(archive.read_bytes())
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
        for member in members:  # the local headers: flags at offset 6 (bit 11: byte 7)
            assert data[member.header_offset:member.header_offset + 4] == b"PK\x03\x04"
            data[member.header_offset + 7] &= ~0x08 & 0xFF
        start = data.rfind(b"PK\x05\x06")  # the central directory: flags at offset 8 (byte 9)
        central = int.from_bytes(data[start + 16:start + 20], "little")
        while data[central:central + 4] == b"PK\x01\x02":
            data[central + 9] &= ~0x08 & 0xFF
            names, extra, comment = (int.from_bytes(data[central + at:central + at + 2], "little")
                                     for at in (28, 30, 32))
            central += 46 + names + extra + comment
        archive.write_bytes(bytes(data))
    return archive


# ----------------------------------------------------------------------------- nbgrader's layout

def test_timestamps_in_the_nbgrader_layout(tmp_path):
    submitted = tmp_path / "course" / "submitted"
    notebook(submitted / "ada" / SESSION / f"{SESSION}.ipynb")
    text(submitted / "ada" / SESSION / "timestamp.txt", "2026-11-20 23:59:00.5 Europe/Berlin")
    notebook(submitted / "ben" / SESSION / f"{SESSION}.ipynb")
    text(submitted / "ben" / SESSION / "timestamp.txt", "last friday")
    notebook(submitted / "cleo" / SESSION / f"{SESSION}.ipynb")
    text(submitted / "cleo" / SESSION / "timestamp.txt", "")
    notebook(submitted / "dan" / SESSION / f"{SESSION}.ipynb")
    found = collect(tmp_path / "course", tmp_path)

    ada = found["ada"]
    assert ada.submitted_at == datetime(2026, 11, 20, 22, 59, 0, 500000, tzinfo=UTC)
    assert (ada.time_source, ada.problem) == ("timestamp.txt", None)
    assert ada.timestamp_file == submitted / "ada" / SESSION / "timestamp.txt"
    ben = found["ben"]
    assert ben.submitted_at is None and ben.timestamp_file is None and ben.notebook is not None
    assert ben.problem.startswith("timestamp.txt unreadable ('last friday': ") and \
        ben.problem.endswith(": time unknown")
    assert found["cleo"].problem == "timestamp.txt empty: time unknown" and found["cleo"].timestamp_file is None
    dan = found["dan"]
    assert (dan.submitted_at, dan.time_source, dan.timestamp_file, dan.problem, dan.lms_id) == \
        (None, None, None, None, None)


def test_a_timestamp_in_a_student_folder(tmp_path):
    notebook(tmp_path / "in" / "ada" / "my work.ipynb")
    text(tmp_path / "in" / "ada" / "timestamp.txt", "2026-11-21 08:00:00 UTC")
    (ada,) = collect(tmp_path / "in", tmp_path).values()
    assert ada.submitted_at == datetime(2026, 11, 21, 8, tzinfo=UTC) and ada.timestamp_file.parent.name == "ada"


def test_an_invalid_timestamp_joins_other_problems(tmp_path):
    notebook(tmp_path / "in" / "ada" / "a.ipynb"), notebook(tmp_path / "in" / "ada" / "b.ipynb")
    text(tmp_path / "in" / "ada" / "timestamp.txt", "2026-11-21 08:00:00 +0100")
    (ada,) = collect(tmp_path / "in", tmp_path).values()
    assert ada.problem.startswith(f"2 notebooks and none named {SESSION}.ipynb; graded a.ipynb; "
                                  f"timestamp.txt unreadable (numeric zone '+0100'")


def test_the_nbgrader_layout_in_a_zip_keeps_its_timestamps(tmp_path):
    notebook(tmp_path / "export" / "submitted" / "ada" / SESSION / f"{SESSION}.ipynb")
    text(tmp_path / "export" / "submitted" / "ada" / SESSION / "timestamp.txt", "2026-11-20 12:00:00 UTC")
    found = collect(zip_of(tmp_path / "export", tmp_path / "export.zip"), tmp_path)
    assert found["ada"].submitted_at == datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert found["ada"].timestamp_file.is_file()


# ----------------------------------------------------------------------------- Moodle

def moodle_folders(root: Path) -> Path:
    """A Moodle 4.x download "in folders": files and online text, unicode and blind names."""
    notebook(root / "Ada Lovelace_123456_assignsubmission_file" / f"{SESSION}.ipynb")
    text(root / "Ada Lovelace_123456_assignsubmission_onlinetext" / "onlinetext.html", "<p>done</p>")
    notebook(root / "Jürgen Müller_123457_assignsubmission_file" / "work" / f"{SESSION}.ipynb")
    notebook(root / "Jürgen Müller_123457_assignsubmission_file" / ".ipynb_checkpoints" / "x-checkpoint.ipynb")
    text(root / "Cleo Untouched_123458_assignsubmission_file" / "report.pdf")
    return root


def test_moodle_folders_one_student_per_person_under_the_full_name(tmp_path):
    found = collect(moodle_folders(tmp_path / "moodle"), tmp_path)
    assert set(found) == {"Ada_Lovelace", "Jurgen_Muller", "Cleo_Untouched"}
    ada = found["Ada_Lovelace"]
    assert ada.notebook.name == f"{SESSION}.ipynb" and ada.problem is None and ada.lms_id == "123456"
    assert ada.submitted_at is None and ada.time_source is None  # Moodle's names carry no time
    assert found["Jurgen_Muller"].notebook.parent.name == "work"
    cleo = found["Cleo_Untouched"]
    assert cleo.notebook is None and cleo.problem == "no notebook handed in (handed in: report.pdf)"


def test_moodle_3_folders_and_flat_files(tmp_path):
    notebook(tmp_path / "m3" / "Ada Lovelace_31_assignsubmission_file_" / f"{SESSION}.ipynb")
    notebook(tmp_path / "flat" / f"Ada Lovelace_77_assignsubmission_file_{SESSION}.ipynb")
    text(tmp_path / "flat" / "Ada Lovelace_77_assignsubmission_onlinetext_onlinetext.html")
    notebook(tmp_path / "flat" / "Ben Typical_78_assignsubmission_file_Backprop (final).ipynb")
    assert set(collect(tmp_path / "m3", tmp_path)) == {"Ada_Lovelace"}
    found = collect(tmp_path / "flat", tmp_path)
    assert set(found) == {"Ada_Lovelace", "Ben_Typical"}
    assert found["Ada_Lovelace"].lms_id == "77" and found["Ada_Lovelace"].problem is None
    assert found["Ben_Typical"].notebook.name.endswith("Backprop (final).ipynb")


def test_the_same_person_is_the_same_student_in_every_session(tmp_path):
    notebook(tmp_path / "s05" / "Ada Lovelace_120007_assignsubmission_file" / "05_sigmoid_neuron.ipynb")
    notebook(tmp_path / "s06" / "Ada Lovelace_123456_assignsubmission_file" / f"{SESSION}.ipynb")
    notebook(tmp_path / "c05" / "lovelaceada_12345_6700001_05_sigmoid_neuron.ipynb")
    notebook(tmp_path / "c06" / f"lovelaceada_LATE_12345_6789013_{SESSION}.ipynb")
    moodle = [collect_submissions(tmp_path / s, session, tmp_path / "scratch")[0]
              for s, session in (("s05", "05_sigmoid_neuron"), ("s06", SESSION))]
    canvas = [collect_submissions(tmp_path / s, session, tmp_path / "scratch")[0]
              for s, session in (("c05", "05_sigmoid_neuron"), ("c06", SESSION))]
    assert [s.student for s in moodle] == ["Ada_Lovelace", "Ada_Lovelace"]
    assert [s.lms_id for s in moodle] == ["120007", "123456"]
    assert [s.student for s in canvas] == ["lovelaceada_12345", "lovelaceada_12345"]


def test_moodle_participants_of_one_name_stay_two_students(tmp_path):
    root = tmp_path / "moodle"
    notebook(root / "John Smith_501_assignsubmission_file" / f"{SESSION}.ipynb")
    notebook(root / "John Smith_502_assignsubmission_file" / f"{SESSION}.ipynb")
    found = collect(root, tmp_path)
    assert set(found) == {"John_Smith_501", "John_Smith_502"}
    assert "2 Moodle participants named 'John Smith': graded as John_Smith_501" in found["John_Smith_501"].problem


def test_moodle_blind_marking_participants_stay_apart(tmp_path):
    root = tmp_path / "blind"
    for number in (654321, 654322, 654323):
        notebook(root / f"Participant_{number}_assignsubmission_file_{SESSION}.ipynb")
    found = collect(root, tmp_path)
    assert set(found) == {"Participant_654321", "Participant_654322", "Participant_654323"}
    assert all("changes from session to session" in s.problem for s in found.values())


def test_moodle_worksheet_beside_the_submissions_gives_the_times(tmp_path):
    root = moodle_folders(tmp_path / "moodle")
    text(root / "Grades-DL 2026-Backpropagation-4242.csv", WORKSHEET)
    notebook(root / "Dora Late_123499_assignsubmission_file" / f"{SESSION}.ipynb")
    found = collect(root, tmp_path, timezone="Europe/Berlin")
    ada = found["Ada_Lovelace"]
    assert ada.submitted_at == datetime(2026, 11, 20, 22, 59, tzinfo=UTC)
    assert ada.time_source == "Moodle grading worksheet" and ada.timestamp_file is None
    assert found["Jurgen_Muller"].submitted_at == datetime(2026, 11, 22, 1, 5, tzinfo=UTC)
    assert found["Cleo_Untouched"].time_source == \
        "Moodle grading worksheet Grades-DL 2026-Backpropagation-4242.csv: no submission time"
    dora = found["Dora_Late"]
    assert dora.submitted_at is None and dora.time_source.startswith("not in the Moodle grading worksheet")
    assert "Grades-DL" not in " ".join(found)  # the worksheet is no student


def test_moodle_worksheet_in_a_zip(tmp_path):
    root = moodle_folders(tmp_path / "moodle")
    text(root / "Grades-DL 2026-Backpropagation-4242.csv", WORKSHEET)
    found = collect(zip_of(root, tmp_path / "download.zip"), tmp_path, timezone="Europe/Berlin")
    assert found["Ada_Lovelace"].submitted_at == datetime(2026, 11, 20, 22, 59, tzinfo=UTC)


def test_moodle_worksheet_without_timezone_is_not_read(tmp_path):
    root = moodle_folders(tmp_path / "moodle")
    text(root / "Grades-DL 2026-Backpropagation-4242.csv", WORKSHEET)
    ada = collect(root, tmp_path)["Ada_Lovelace"]
    assert ada.submitted_at is None
    assert ada.time_source == "Moodle grading worksheet Grades-DL 2026-Backpropagation-4242.csv not read " \
                              "(no timezone given)"


def test_a_moodle_worksheet_given_elsewhere(tmp_path):
    root = moodle_folders(tmp_path / "moodle")
    sheet = text(tmp_path / "sheets" / "Grades.csv", WORKSHEET)
    found = collect(root, tmp_path, timezone="Europe/Berlin", worksheet=sheet)
    assert found["Ada_Lovelace"].submitted_at == datetime(2026, 11, 20, 22, 59, tzinfo=UTC)
    with pytest.raises(ValueError, match="need a timezone"):
        collect(root, tmp_path, worksheet=sheet)


def test_two_worksheets_are_refused_and_other_csv_files_ignored(tmp_path):
    root = moodle_folders(tmp_path / "moodle")
    text(root / "roster.csv", "student\nada\n")
    assert set(collect(root, tmp_path, timezone="Europe/Berlin")) == {"Ada_Lovelace", "Jurgen_Muller",
                                                                      "Cleo_Untouched"}
    text(root / "Grades-a.csv", WORKSHEET), text(root / "Grades-b.csv", WORKSHEET)
    with pytest.raises(ValueError, match=r"more than one Moodle grading worksheet \(Grades-a.csv, Grades-b.csv\)"):
        collect(root, tmp_path, timezone="Europe/Berlin")


# ----------------------------------------------------------------------------- Canvas

def canvas_download(root: Path) -> Path:
    notebook(root / f"lovelaceada_12345_6789012_{SESSION}.ipynb")
    notebook(root / f"typicalben_LATE_12346_6789013_{SESSION}.ipynb")
    text(root / "typicalben_LATE_12346_6789014_notes.pdf")
    notebook(root / "o_brienpat_12347_6789015_backprop.ipynb")  # an underscore in the name
    notebook(root / f"o_brienpat_12347_6789016_{SESSION}-1.ipynb")  # handed in again: Canvas renames it
    notebook(root / f"müllerjürgen_12348_6789017_{SESSION}.ipynb")
    text(root / "untouchedcleo_12349_text.html", "<p>forgot</p>")
    notebook(root / f"smithjohn_20001_6789020_{SESSION}.ipynb")  # two students of one name
    notebook(root / f"smithjohn_LATE_20002_6789021_{SESSION}.ipynb")
    return root


def test_canvas_download(tmp_path):
    found = collect(canvas_download(tmp_path / "canvas"), tmp_path)
    assert set(found) == {"lovelaceada_12345", "typicalben_12346", "o_brienpat_12347", "mullerjurgen_12348",
                          "untouchedcleo_12349", "smithjohn_20001", "smithjohn_20002"}
    ada = found["lovelaceada_12345"]
    assert (ada.lms_id, ada.problem, ada.submitted_at) == ("12345", None, None)
    assert ada.time_source == "Canvas: not marked LATE, time unknown"
    ben = found["typicalben_12346"]
    assert ben.time_source == "Canvas: LATE, time unknown" and ben.submitted_at is None and ben.problem is None
    assert found["o_brienpat_12347"].notebook.name.endswith(f"{SESSION}-1.ipynb")
    assert found["o_brienpat_12347"].problem is None
    assert found["untouchedcleo_12349"].problem == "no notebook handed in (handed in: text.html)"
    assert found["smithjohn_20002"].time_source == "Canvas: LATE, time unknown"


def test_canvas_zip_with_names_stored_as_rubyzip_stores_them(tmp_path):
    archive = zip_of(canvas_download(tmp_path / "canvas"), tmp_path / "submissions.zip", utf8_flag=False)
    with zipfile.ZipFile(archive) as bundle:
        assert any("Ã" in name or "â" in name or "├" in name for name in bundle.namelist())  # mojibake as cp437
    found = collect(archive, tmp_path)
    assert "mullerjurgen_12348" in found
    assert found["mullerjurgen_12348"].notebook.name == f"müllerjürgen_12348_6789017_{SESSION}.ipynb"


def test_canvas_several_notebooks_none_named_for_the_session(tmp_path):
    notebook(tmp_path / "c" / "lovelaceada_12345_1_part1.ipynb")
    notebook(tmp_path / "c" / "lovelaceada_12345_2_part2.ipynb")
    (ada,) = collect(tmp_path / "c", tmp_path).values()
    assert ada.problem == f"2 notebooks and none named {SESSION}.ipynb; graded part1.ipynb"


def test_canvas_anonymous_grading(tmp_path):
    notebook(tmp_path / "c" / f"LATE_anon_Xk3pq_6789012_{SESSION}.ipynb")
    (anon,) = collect(tmp_path / "c", tmp_path).values()
    assert anon.student == "anon_Xk3pq" and anon.time_source == "Canvas: LATE, time unknown"
    assert "anonymous grading" in anon.problem


def test_decomposed_unicode_names_from_macos_are_the_same_student(tmp_path):
    notebook(tmp_path / "c" / f"mu\u0308llerju\u0308rgen_12348_6789017_{SESSION}.ipynb")
    notebook(tmp_path / "m" / "Ju\u0308rgen Mu\u0308ller_5_assignsubmission_file" / f"{SESSION}.ipynb")
    assert set(collect(tmp_path / "c", tmp_path)) == {"mullerjurgen_12348"}
    assert set(collect(tmp_path / "m", tmp_path)) == {"Jurgen_Muller"}


# ----------------------------------------------------------------------------- what stays as it was

def test_plain_names_are_no_lms_names(tmp_path):
    notebook(tmp_path / "in" / "ada_complete.ipynb"), notebook(tmp_path / "in" / "bo b.ipynb")
    notebook(tmp_path / "in" / "carl" / f"{SESSION}.ipynb")
    found = collect(tmp_path / "in", tmp_path)
    assert set(found) == {"ada_complete", "bo_b", "carl"}
    assert all(s.lms_id is None and s.time_source is None for s in found.values())


def test_refuses_zip_entries_outside_the_folder_and_next_to_it(tmp_path):
    for name in ("../escaped.ipynb", "../incoming_evil/x.ipynb"):
        archive = tmp_path / "evil.zip"
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr(name, "{}")
        with pytest.raises(ValueError, match="outside the folder"):
            collect_submissions(archive, SESSION, tmp_path / "scratch")


@pytest.mark.parametrize("name, student", [
    ("bo b", "bo_b"), ("ada_complete", "ada_complete"), ("Ada Lovelace", "Ada_Lovelace"),
    ("Jürgen Müller", "Jurgen_Muller"), ("Łukasz Żółć", "Lukasz_Zolc"),
    ("Søren Kierkegaard", "Soren_Kierkegaard"),
    ("José María O'Neill", "Jose_Maria_O_Neill"), ("Ju\u0308rgen Mu\u0308ller", "Jurgen_Muller"),
    ("...", "unnamed"), ("", "unnamed"),
])
def test_student_ids(name, student):
    assert _student_id(name) == student


def test_names_without_latin_letters_stay_apart():
    ids = {_student_id(name) for name in ("李雷", "韩梅梅", "Σοφία", "Σοφία Π", "شرما")}
    assert len(ids) == 5 and all(id_.replace("_", "").isalnum() and id_.isascii() for id_ in ids)
    assert _student_id("李雷") == _student_id(unicodedata.normalize("NFD", "李雷"))
    assert _student_id("Zoë 李").startswith("Zoe_") and _student_id("Zoë 李") != _student_id("Zoë 王")


# ----------------------------------------------------------------------------- sessions_in

def test_sessions_in_a_folder_of_the_nbgrader_layout(tmp_path):
    course = tmp_path / "course"
    notebook(course / "submitted" / "ada" / SESSION / f"{SESSION}.ipynb")
    notebook(course / "submitted" / "ben" / "05_sigmoid_neuron" / "05_sigmoid_neuron.ipynb")
    (course / "submitted" / "ben" / "07_unknown").mkdir()
    assert sessions_in(course, KNOWN) == KNOWN  # in the order of known
    assert sessions_in(course / "submitted", KNOWN) == KNOWN
    assert sessions_in(course, [SESSION]) == [SESSION]


def test_sessions_in_zips_of_the_nbgrader_layout(tmp_path):
    notebook(tmp_path / "a" / "export" / "submitted" / "ada" / SESSION / f"{SESSION}.ipynb")
    assert sessions_in(zip_of(tmp_path / "a", tmp_path / "a.zip"), KNOWN) == [SESSION]
    notebook(tmp_path / "b" / "ada" / "05_sigmoid_neuron" / "x.ipynb")
    assert sessions_in(zip_of(tmp_path / "b", tmp_path / "b.zip"), KNOWN) == ["05_sigmoid_neuron"]
    notebook(tmp_path / "c" / "submitted" / "ada" / SESSION / "x.ipynb")
    assert sessions_in(zip_of(tmp_path / "c", tmp_path / "c.zip"), KNOWN) == [SESSION]


def test_sessions_in_other_layouts_is_empty(tmp_path):
    notebook(tmp_path / "flat" / "ada.ipynb")
    notebook(tmp_path / "folders" / "ada" / f"{SESSION}.ipynb")
    notebook(tmp_path / "deep" / "x" / "y" / "ada" / SESSION / "n.ipynb")
    for folder in ("flat", "folders", "deep"):
        assert sessions_in(tmp_path / folder, KNOWN) == []
    assert sessions_in(moodle_folders(tmp_path / "moodle"), KNOWN) == []
    assert sessions_in(zip_of(tmp_path / "folders", tmp_path / "f.zip"), KNOWN) == []
    assert sessions_in(tmp_path / "missing", KNOWN) == []


def test_a_student_without_a_sessions_folder_handed_in_another_session_only(tmp_path):
    """nbgrader's layout with two sessions: no folder of this session is no hand-in of it (not a 0)."""
    for student, session in (("ada", "05_sigmoid_neuron"), ("ada", "06_backpropagation"), ("ben", "05_sigmoid_neuron")):
        folder = tmp_path / "in" / "submitted" / student / session
        folder.mkdir(parents=True)
        (folder / f"{session}.ipynb").write_text("{}")
    found = {submission.student: submission for submission in
             collect_submissions(tmp_path / "in", "06_backpropagation", tmp_path)}
    assert set(found) == {"ada"}
    assert {submission.student for submission in
            collect_submissions(tmp_path / "in", "05_sigmoid_neuron", tmp_path)} == {"ada", "ben"}
