"""Makes moto's SQS queue delete messages under the lock it appends them with.

moto 5.2.5's Queue.delete_message rebuilds the queue's message list without holding
_messages_lock, while add_message appends under it. moto's server is threaded, so a message
that an SNS publish (another request thread) appends while a DeleteMessage(Batch) rebuilds the
list is dropped: acknowledged messages vanish from the emulator, neither in the queue nor in the
dead-letter queue. The conformance stage tests this project against moto, not moto itself, so
the install closes the race. Idempotent; fails when moto's code no longer looks as expected.

usage: python patch-moto.py <site-packages>/moto/sqs/models.py
"""
import sys

MARKER = "# pubsub-ingest: delete under _messages_lock"
BEFORE = """    def delete_message(self, receipt_handle: str) -> None:
        if receipt_handle in self.deleted_messages:
"""
AFTER = f"""    def delete_message(self, receipt_handle: str) -> None:
        {MARKER} (add_message appends under it; threads raced)
        with self._messages_lock:
            self._delete_message_unlocked(receipt_handle)

    def _delete_message_unlocked(self, receipt_handle: str) -> None:
        if receipt_handle in self.deleted_messages:
"""

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    source = f.read()
if MARKER in source:
    sys.exit(0)
if source.count(BEFORE) != 1 or "self._messages_lock = Condition()" not in source:
    sys.exit(f"{path}: Queue.delete_message is not the code this patch knows; check moto's SQS locking again")
with open(path, "w", encoding="utf-8") as f:
    f.write(source.replace(BEFORE, AFTER))
print(f"[conformance tools] moto: SQS deletes now hold the queue's lock ({path})", file=sys.stderr)
