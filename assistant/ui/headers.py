"""Security headers on every response the app serves, the page itself included.

Streamlit has no setting for response headers. Since 1.5x, ``streamlit run app.py`` serves
an ``st.App`` found in the script as an ASGI application, with middleware of our own in
front of Streamlit's: :class:`SecurityHeaders` adds a content-security policy that lets
the page load images, media, fonts and connections from this app only. Untrusted text is
already shown escaped (:mod:`assistant.text`); the policy is the second line: if any
text ever did render as an image or link target elsewhere, the browser would refuse to
fetch it. (A ``<meta>`` policy written into the page by a component comes after the page
has loaded and cannot be relied on; a header covers the first load.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        # Streamlit's bundle and its charts need inline styles and evaluated code
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "worker-src 'self' blob:",
        "frame-src 'self' blob: data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
HEADERS = [
    (b"content-security-policy", POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message.get("type") == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def middleware() -> list[Any]:
    """The middleware list for ``st.App(..., middleware=...)``."""
    from starlette.middleware import Middleware

    return [Middleware(SecurityHeaders)]
