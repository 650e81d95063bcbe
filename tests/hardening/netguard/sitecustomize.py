"""Network guard for audit child processes (put this folder first on PYTHONPATH).

With ``LANTERN_NETGUARD_LOG`` set, every process started with this path (the app and the
children it starts, such as the model host) refuses each connect or sendto on a socket that
is not AF_UNIX, and each name lookup of a host other than localhost, and writes one line per
attempt to that file (process id, call, address family and address; never any data). The
audit tests read the file: it must stay empty."""

from __future__ import annotations

import errno
import os

_LOG = os.environ.get("LANTERN_NETGUARD_LOG", "")
_LOCAL_NAMES = (None, "", "localhost", "127.0.0.1", "::1", b"localhost")

if _LOG:
    import socket

    def _note(what: str) -> None:
        fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{os.getpid()} {what}\n".encode())
        finally:
            os.close(fd)

    def _refuse(what: str) -> OSError:
        _note(what)
        return OSError(errno.ENETUNREACH, "network blocked by the audit guard")

    def _guard_connect(real):
        def connect(self: socket.socket, address: object):
            if self.family != socket.AF_UNIX:
                raise _refuse(f"{real.__name__} {self.family!r} {address!r}")
            return real(self, address)

        return connect

    def _guard_sendto(real):
        def sendto(self: socket.socket, *args: object):
            if self.family != socket.AF_UNIX:
                raise _refuse(f"sendto {self.family!r} {args[-1]!r}")
            return real(self, *args)

        return sendto

    _real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host not in _LOCAL_NAMES:
            _note(f"getaddrinfo {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, "name lookup blocked by the audit guard")
        return _real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = _guard_connect(socket.socket.connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guard_connect(socket.socket.connect_ex)  # type: ignore[method-assign]
    socket.socket.sendto = _guard_sendto(socket.socket.sendto)  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
