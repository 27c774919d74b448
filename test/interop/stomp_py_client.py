"""Drives a STOMP broker with stomp.py, a client nobody on this project wrote.

Usage: stomp_py_client.py HOST PORT QUEUE
Prints one JSON object with what it observed; the calling test asserts on it.
"""
import json
import sys
import threading

import stomp

host, port, queue = sys.argv[1], int(sys.argv[2]), sys.argv[3]
TIMEOUT = 10


class Collector(stomp.ConnectionListener):
    def __init__(self):
        self.messages = []
        self.errors = []
        self.cond = threading.Condition()

    def on_message(self, frame):
        with self.cond:
            self.messages.append(frame)
            self.cond.notify_all()

    def on_error(self, frame):
        with self.cond:
            self.errors.append(frame.headers.get("message", ""))
            self.cond.notify_all()

    def wait_for(self, count):
        with self.cond:
            ok = self.cond.wait_for(lambda: len(self.messages) >= count, timeout=TIMEOUT)
            if not ok:
                raise SystemExit("timed out waiting for %d messages, got %d" % (count, len(self.messages)))


result = {}
conn = stomp.Connection12([(host, port)], heartbeats=(1000, 1000))
listener = Collector()
conn.set_listener("collector", listener)
conn.connect("guest", "guest", wait=True, headers={"client-id": "stomp-py"})

# Plain sends, then a client-individual subscription that acknowledges each message.
conn.subscribe(destination=queue, id="sub-1", ack="client-individual")
for i in range(3):
    conn.send(destination=queue, body="plain %d" % i, headers={"persistent": "true", "weight": str(10 + i)})
listener.wait_for(3)
for frame in listener.messages[:3]:
    conn.ack(frame.headers["ack"])
result["plain"] = [f.body for f in listener.messages[:3]]
result["headers"] = {k: listener.messages[0].headers.get(k) for k in ("destination", "subscription", "weight", "persistent")}
result["has_message_id"] = all("message-id" in f.headers for f in listener.messages[:3])

# A transaction: its sends are delivered only after COMMIT; an aborted one never.
tx = conn.begin()
conn.send(destination=queue, body="tx a", transaction=tx)
conn.send(destination=queue, body="tx b", transaction=tx)
conn.commit(tx)
listener.wait_for(5)
for frame in listener.messages[3:5]:
    conn.ack(frame.headers["ack"])
aborted = conn.begin()
conn.send(destination=queue, body="never", transaction=aborted)
conn.abort(aborted)
conn.send(destination=queue, body="after abort")
listener.wait_for(6)
conn.ack(listener.messages[5].headers["ack"])
result["transaction"] = [f.body for f in listener.messages[3:6]]

# A NACKed message comes back, marked redelivered.
conn.send(destination=queue, body="nack me")
listener.wait_for(7)
conn.nack(listener.messages[6].headers["ack"])
listener.wait_for(8)
conn.ack(listener.messages[7].headers["ack"])
result["redelivered"] = {"body": listener.messages[7].body, "redelivered": listener.messages[7].headers.get("redelivered")}

result["errors"] = listener.errors
conn.disconnect(receipt="bye")
print(json.dumps(result))
