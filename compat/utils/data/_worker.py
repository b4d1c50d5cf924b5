"""DataLoader worker processes: the loop they run, `get_worker_info`, and their seeding.

Workers never run JAX (see `_host.py`): under the default 'fork' start method a JAX
computation in a child deadlocks. A watchdog thread in each forked worker turns such a
hang into an error in the main process (after `JAX_HANG_SECONDS`), with the stack and the
fix, instead of a silent freeze.
"""
import os
import queue
import random
import sys
import threading
import time
import traceback

import numpy as np

__all__ = ["WorkerInfo", "get_worker_info", "in_worker", "worker_rng", "ExceptionWrapper"]

STATUS_INTERVAL = 1.0  # seconds between liveness checks (torch's MP_STATUS_CHECK_INTERVAL is 5)
JAX_HANG_SECONDS = 5.0  # a forked worker inside JAX this long is deadlocked, not busy

_worker_info = None
_worker_rng = None
_current_task = [None]


class WorkerInfo:
    """Mirrors `torch.utils.data.WorkerInfo`: id, num_workers, seed, dataset (read-only).

    Example:
        >>> info = get_worker_info()   # inside a worker
        >>> info.id, info.num_workers
        (0, 2)
    """

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        items = [f"{k}={getattr(self, k)}" for k in self.__keys]
        return f"{self.__class__.__name__}({', '.join(items)})"


def get_worker_info():
    """Mirrors `torch.utils.data.get_worker_info()`: this worker's WorkerInfo, None in the main process."""
    return _worker_info


def in_worker():
    """True inside a DataLoader worker process (where compat data code stays numpy-only)."""
    return _worker_info is not None


def worker_rng():
    """The worker's numpy Generator (seeded from WorkerInfo.seed): random transforms draw
    from it inside workers, where compat's JAX-backed generator cannot run."""
    return _worker_rng


class ExceptionWrapper:
    """Mirrors torch's ExceptionWrapper: an exception and its traceback text, re-raised elsewhere."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raises the wrapped exception type with the original traceback in its message."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class _KeyErrorMessage(str):
    def __repr__(self):  # KeyError reprs its argument; keep the traceback readable
        return self


class ResumeIteration:
    """Sent to persistent workers at the start of a new epoch (they rebuild their fetcher)."""


class IterableDatasetStopIteration:
    """A worker's iterable dataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class _MapFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn

    def fetch(self, index):
        if self.auto_collation:
            getitems = getattr(self.dataset, "__getitems__", None)
            data = getitems(index) if getitems else [self.dataset[i] for i in index]
        else:
            data = self.dataset[index]
        return self.collate_fn(data)


class _IterableFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset_iter = iter(dataset)
        self.auto_collation, self.collate_fn, self.drop_last = auto_collation, collate_fn, drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if not data or (self.drop_last and len(data) < len(index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


def create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last):
    """torch's _DatasetKind.create_fetcher: map-style or iterable-style fetching."""
    cls = _IterableFetcher if iterable else _MapFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)


def _start_jax_watchdog(data_queue, worker_id):
    """In a forked worker: report (and exit) when the main thread sits inside JAX too long."""
    roots = tuple(os.path.dirname(m.__file__) + os.sep
                  for name in ("jax", "jaxlib") if (m := sys.modules.get(name)) is not None)
    if not roots:
        return
    main_ident = threading.main_thread().ident

    def inside_jax(frame):
        while frame is not None:
            if frame.f_code.co_filename.startswith(roots):
                return True
            frame = frame.f_back
        return False

    def watch():
        since = None
        while True:
            time.sleep(0.25)
            frame = sys._current_frames().get(main_ident)
            if frame is None or not inside_jax(frame):
                since = None
                continue
            since = since or time.monotonic()
            if time.monotonic() - since < JAX_HANG_SECONDS:
                continue
            stack = "".join(traceback.format_stack(frame))
            msg = (
                f"DataLoader worker {worker_id} (started with 'fork') has been blocked inside JAX for "
                f"{JAX_HANG_SECONDS:.0f} s: JAX cannot run computations in a forked process (its "
                "thread pools do not survive fork), so it deadlocks. Keep dataset, transform and "
                "collate code numpy/PIL-only when num_workers > 0 (compat's TensorDataset, vision "
                "datasets, transforms and default_collate do this automatically in workers), or "
                "pass multiprocessing_context='spawn' (or 'forkserver') to the DataLoader to run "
                f"JAX in workers at the cost of a slower start.\nWorker stack:\n{stack}"
            )
            try:
                raise RuntimeError(msg)
            except RuntimeError:
                wrapped = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            data_queue.put((_current_task[0], wrapped))
            data_queue.close()
            data_queue.join_thread()
            os._exit(1)

    threading.Thread(target=watch, name="compat-jax-fork-watchdog", daemon=True).start()


def worker_loop(iterable, dataset, index_queue, data_queue, done_event, auto_collation,
                collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers,
                start_method):
    """The body of a DataLoader worker process (torch's `_worker_loop`).

    Seeds `random` with `base_seed + worker_id` and numpy's global RNG from
    (base_seed, worker_id), as torch does; fetches and collates the index batches it is
    sent, and puts `(task_idx, batch)` (or an `ExceptionWrapper`) on `data_queue`.
    """
    global _worker_info, _worker_rng
    try:
        seed = base_seed + worker_id
        random.seed(seed)
        np.random.seed(np.random.SeedSequence([worker_id, base_seed]).generate_state(4))
        _worker_rng = np.random.default_rng([seed])
        if start_method == "fork":
            _start_jax_watchdog(data_queue, worker_id)
        else:  # a fresh interpreter: JAX works here, so seed compat's generator as torch's
            from ... import _random

            _random.manual_seed(seed)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
        iteration_end = False
        parent = os.getppid()
        while os.getppid() == parent:  # the main process died: stop
            try:
                r = index_queue.get(timeout=STATUS_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(r, ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                if init_exception is None:
                    fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            _current_task[0] = idx
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not iterable:
                        data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
                    else:
                        data = IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                except Exception:
                    data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            data_queue.put((idx, data))
            del data, idx, index, r
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
