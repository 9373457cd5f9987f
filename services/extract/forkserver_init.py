"""Imported first by the extraction forkserver (see sandbox.py), never by the service itself.

A stop signals the service's whole process group (`pcflow down` does, and so does a process
manager that stops a control group). Sandbox children that died of that SIGTERM would turn the
document in flight into a permanent failure. The forkserver and every child it forks therefore
ignore SIGTERM: the service finishes its message within its graceful timeout, and SIGKILL, which
is also how the service itself ends a child, still ends them all.
"""

import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
