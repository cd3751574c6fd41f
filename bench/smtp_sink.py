"""A counting SMTP server for the delivery-rate benchmark, in its own process (as a real mail server is).

python bench/smtp_sink.py PORT      # prints the number of messages received when sent SIGTERM
"""

import signal
import sys

from aiosmtpd.controller import Controller


class Counter:
    count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        Counter.count += 1
        return "250 OK"


signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
signal.sigwait([signal.SIGTERM, signal.SIGINT])
controller.stop()
print(Counter.count, flush=True)
