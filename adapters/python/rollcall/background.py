"""A ``FunctionService`` on a thread of its own, so the calling thread stays free (``tune``)."""

import asyncio
import threading
from typing import Any, Dict, Optional

from .service import FunctionService


class BackgroundService:
    def __init__(self, service: FunctionService, host: str = "127.0.0.1", port: int = 0):
        self.service = service
        self._host = host
        self._port = port
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._stop: Optional[asyncio.Event] = None
        self._ready = threading.Event()
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._run, name="rollcall-serve", daemon=True)

    def start(self) -> str:
        """Starts listening; returns the base URL."""
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self.service.url

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(timeout_s)

    def stats(self) -> Dict[str, Any]:
        return self.service.stats()

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self.service.start(self._host, self._port)
        except BaseException as error:  # a taken port: the caller gets it from start()
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.service.stop()
