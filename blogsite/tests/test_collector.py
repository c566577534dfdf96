import gc

import pytest

from blogsite.collector import no_cycle_collector


def test_the_collector_is_off_inside_and_as_it_was_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), no_cycle_collector():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with no_cycle_collector():
            pass
        assert not gc.isenabled()  # left off by someone else: not turned on
    finally:
        gc.enable()
