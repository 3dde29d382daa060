"""Imported at start-up by every Python that has this directory on its PYTHONPATH (the kill tests
set it): holds that Python for 60 s before it runs its script. A kill test's Python child then
lives far longer than the test's deadline unless it is killed with its parent, so a missing tie
cannot pass unnoticed because the child happened to finish in time."""

import time

time.sleep(60)
