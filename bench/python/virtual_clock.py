"""An asyncio event loop on a virtual clock, standard library only: when nothing is ready, instead of waiting for the next
timer the loop's clock jumps to it (what AsyncNotes' EventLoopOptions.Virtual does, and test libraries such as looptime do
for asyncio). The selector is still polled, so I/O and call_soon_threadsafe keep working; only the wait is skipped.
"""
import asyncio
import selectors


class _JumpingSelector(selectors.DefaultSelector):
    """Polls instead of blocking, and moves the loop's clock by the time it would have waited."""

    def __init__(self):
        super().__init__()
        self.loop = None

    def select(self, timeout=None):
        if timeout is None:  # nothing scheduled at all: only I/O can wake the loop, as in asyncio
            return super().select(None)
        ready = super().select(0)
        if not ready and timeout > 0:
            self.loop.advance(timeout)
        return ready


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """loop.time() starts at 0 and moves only when every task waits for a timer."""

    def __init__(self):
        selector = _JumpingSelector()
        super().__init__(selector)
        selector.loop = self
        self._virtual_now = 0.0

    def time(self):
        return self._virtual_now

    def advance(self, seconds):
        self._virtual_now += seconds
