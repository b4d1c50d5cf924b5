"""PyTorch's checkpoint formats, read and written without torch (see compat/_serialization.py)."""
from ._zip import RecordReader as RecordReader
from ._zip import RecordWriter as RecordWriter

__all__ = ["RecordReader", "RecordWriter"]
