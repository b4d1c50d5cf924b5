"""Neural-network building blocks: `functional` ops and `init` schemes."""
from . import functional as functional
from . import init as init

__all__ = ["functional", "init"]
