import pytest

from kernel_client import start_kernel, stop_kernel


@pytest.fixture(scope="module")
def kernel():
    """One adlab kernel shared by a test module: (manager, client)."""
    km, kc = start_kernel()
    yield km, kc
    stop_kernel(km, kc)


@pytest.fixture
def kc(kernel):
    return kernel[1]


@pytest.fixture
def km(kernel):
    return kernel[0]
