"""Process-level shims and the error a missing torch API raises."""
import pytest
import torch

import compat


def test_missing_api_error_names_the_torch_api():
    with pytest.raises(AttributeError, match=r"`torch\.fft` is not supported by compat yet"):
        compat.fft  # noqa: B018


def test_thread_and_determinism_switches_accept_torch_arguments():
    compat.set_num_threads(2)
    assert compat.get_num_threads() == 2
    with pytest.raises(RuntimeError):
        compat.set_num_threads(0)
    compat.use_deterministic_algorithms(True)
    assert compat.are_deterministic_algorithms_enabled()
    compat.use_deterministic_algorithms(False)


def test_version_follows_the_parity_reference():
    assert compat.__version__.split("+")[0] == torch.__version__.split("+")[0]
