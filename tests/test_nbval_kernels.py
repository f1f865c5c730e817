"""nbval starts each notebook's kernel once more when it dies before answering (the root
conftest.py's `kernel_started_once_more`), and only once more."""

from __future__ import annotations

import nbval.kernel
import pytest
import support


class Starts:
    """A stand-in for nbval's kernel start that dies the first `dying` times."""

    def __init__(self, dying: int):
        self.dying, self.calls = dying, []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        if len(self.calls) <= self.dying:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "km", "kc"


def test_a_kernel_that_dies_while_starting_is_started_once_more():
    start = Starts(dying=1)
    started = support.root_conftest().kernel_started_once_more(start)
    assert started(kernel_name="python3") == ("km", "kc")
    assert start.calls == [{"kernel_name": "python3"}] * 2


def test_a_kernel_that_dies_twice_fails_its_notebook():
    start = Starts(dying=2)
    started = support.root_conftest().kernel_started_once_more(start)
    with pytest.raises(RuntimeError, match="Kernel died"):
        started(kernel_name="python3")
    assert len(start.calls) == 2


def test_a_kernel_that_starts_is_started_once_and_nbval_uses_the_retry():
    start = Starts(dying=0)
    conftest = support.root_conftest()
    assert conftest.kernel_started_once_more(start)() == ("km", "kc") and len(start.calls) == 1
    assert getattr(nbval.kernel.start_new_kernel, "once_more", False)  # set by pytest_configure
    wrapped = nbval.kernel.start_new_kernel
    assert conftest.kernel_started_once_more(wrapped) is wrapped  # never wrapped twice
