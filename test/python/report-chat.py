#!/usr/bin/env python3
"""The report's chat program, in the report's own style: each person owns a
queue and consumes it; sending is publishing to the other person's queue on
the default exchange. Nothing of the playground in here: the page must talk
to this program as it is (only the URL changes, and, for tests, the queue
names).

    /usr/bin/python3 test/python/report-chat.py --url amqp://guest:guest@localhost:5672 \
        --inbox task_queue2 --peer task_queue1

Lines typed on stdin are sent to the peer's queue ("YOU -- hello" is printed);
what arrives in the inbox prints as "<from header or anonymous> -- text".
--name adds a "from" header, which the report's program did not send.
"""
import argparse
import sys
import threading

import pika

parser = argparse.ArgumentParser()
parser.add_argument('--url', default='amqp://guest:guest@localhost:5672')
parser.add_argument('--inbox', default='task_queue2')
parser.add_argument('--peer', default='task_queue1')
parser.add_argument('--name', default=None)
args = parser.parse_args()


def receive():
    # BlockingConnection is not thread-safe: the receiving side has its own.
    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    channel = connection.channel()
    channel.queue_declare(queue=args.inbox, durable=True)

    def callback(ch, method, properties, body):
        sender = (properties.headers or {}).get('from', 'anonymous')
        if isinstance(sender, bytes):
            sender = sender.decode('utf-8', 'replace')
        print(f"{sender} -- {body.decode('utf-8', 'replace')}", flush=True)

    channel.basic_consume(queue=args.inbox, on_message_callback=callback, auto_ack=True)
    print('online', flush=True)
    channel.start_consuming()


threading.Thread(target=receive, daemon=True).start()

connection = pika.BlockingConnection(pika.URLParameters(args.url))
channel = connection.channel()
channel.queue_declare(queue=args.peer, durable=True)
print(f"Welcome! Your queue is {args.inbox}; you write to {args.peer}.", flush=True)

properties = pika.BasicProperties(delivery_mode=2, headers={'from': args.name} if args.name else None)
for line in sys.stdin:
    text = line.rstrip('\n')
    if not text:
        continue
    channel.basic_publish(exchange="", routing_key=args.peer, body=text, properties=properties)
    print(f"YOU -- {text}", flush=True)

connection.close()
