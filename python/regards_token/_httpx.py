"""``HttpxAuth``: ``BearerAuth`` for httpx. A module of its own, imported
only when ``regards_token.HttpxAuth`` is asked for, as it needs httpx."""

from __future__ import annotations

from typing import AsyncGenerator, Generator

import httpx

from . import BearerAuth


class HttpxAuth(httpx.Auth, BearerAuth):
    """An auth for httpx's ``Client`` and ``AsyncClient`` that sets
    ``Authorization: Bearer <token>``, asking ``regards-token`` for the
    token on every request as ``BearerAuth`` does, and taking the same
    settings. With ``AsyncClient`` the command runs in a worker thread,
    so the event loop (asyncio or trio) goes on while it logs in.
    """

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        # anyio comes with httpx, and runs under asyncio and trio alike.
        import anyio.to_thread

        token = await anyio.to_thread.run_sync(self.token)
        request.headers["Authorization"] = f"Bearer {token}"
        yield request
