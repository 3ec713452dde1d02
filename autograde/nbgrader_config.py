"""nbgrader configuration of the HaMLeT course.

The course root is the repository: instructor notebooks (nbgrader's "source")
live in ``solutions/``, the generated student notebooks (nbgrader's "release")
in ``notebooks/``.  Run nbgrader with ``--config autograde/nbgrader_config.py``
from the repository root (the Makefile does).
"""

import os

c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

c.CourseDirectory.root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.course_id = "hamlet"
# a session folder also holds the instructor's files: its declaration, hidden tests, example
# class and notes; generate_assignment must copy none of them into the release
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py", "*.md"]
