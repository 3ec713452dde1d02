"""HaMLeT instructor tools: release, run and (later) grade the session notebooks.

Nothing here ships to students; the student-facing helpers are ``hamlet_utils``.
"""
