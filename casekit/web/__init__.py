"""`casekit serve`: a local web page over the whole workflow (issue 14).

- `security`: the token, cookie, Host and CSRF guard every request passes through.
- `server`: binds loopback sockets and runs uvicorn.
- `app`: the Starlette routes, thin over the library.
- `pages`: what each page shows, as plain dicts for the Jinja2 templates in templates/web/.
- `uploads`: streaming multipart uploads into the case's temp folder, with limits.
- `jobs`: extraction and builds in a worker thread, polled by the page.
"""
