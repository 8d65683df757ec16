"""Request bodies above MAX_REQUEST_BYTES are refused before they are read (docs/limits.md).

Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE) apply once the application reads the body,
and daphne only calls the application after it has received the whole body. Before that,
Twisted (under daphne) parses a multipart body into `request.args` with the `email` module,
which daphne never uses: a 50 MB POST to the login page grew a server process from 105 to
718 MB before Django could refuse it.

So daphne's request is changed, once per process, where the body arrives:
- Twisted does not parse form bodies (daphne hands the raw body to Django, which parses it);
- a Content-Length above the limit is answered 413 as soon as the headers are in, and the
  connection is closed without reading the body;
- a chunked body (no Content-Length) is counted as it arrives and cut off the same way.

`make run` (runserver with daphne) and daphne itself (`make scaled`, deploy/) both load
journeyboard.asgi, which installs this.
"""

from django.conf import settings

TOO_LARGE = (
    b"HTTP/1.1 413 Content Too Large\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Connection: close\r\n"
    b"Content-Length: 27\r\n"
    b"\r\n"
    b"The request is too large.\r\n"
)


def install():
    try:
        from daphne.http_protocol import WebRequest
        from twisted.web import http
    except ImportError:  # served by something else than daphne
        return
    if getattr(WebRequest, "body_limited", False):
        return
    original_init = WebRequest.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        # daphne reads `content`, never `args`: parsing the form there only costs memory.
        self._parsePOSTFormSubmission = False
        self.body_bytes = 0
        self.body_refused = False

    def refuse(self):
        self.body_refused = True
        self.content.close()
        self.channel.transport.write(TOO_LARGE)
        self.channel.transport.loseConnection()

    def gotLength(self, length):
        http.Request.gotLength(self, length)
        if length is not None and length > settings.MAX_REQUEST_BYTES:
            refuse(self)

    def handleContentChunk(self, data):
        if self.body_refused:
            return
        self.body_bytes += len(data)
        if self.body_bytes > settings.MAX_REQUEST_BYTES:
            refuse(self)
            return
        http.Request.handleContentChunk(self, data)

    def requestReceived(self, command, path, version):
        if self.body_refused:
            return  # answered already; the application never sees it
        http.Request.requestReceived(self, command, path, version)

    WebRequest.__init__ = __init__
    WebRequest.gotLength = gotLength
    WebRequest.handleContentChunk = handleContentChunk
    WebRequest.requestReceived = requestReceived
    WebRequest.body_limited = True
