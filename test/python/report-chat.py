#!/usr/bin/env python3
"""The report's chat program, with the report's own calls exactly as printed:
each person owns a queue and consumes it; each line typed opens a new
connection, declares the other person's queue with
channel.queue_declare(queue=...) — no arguments: not durable — and publishes
to it on the default exchange, then closes. No "from" header (the page shows
"anonymous"), no delivery_mode. Only the URL and, for tests, the queue names
come from the command line; the page must talk to this program as it is.

    /usr/bin/python3 test/python/report-chat.py --url amqp://guest:guest@localhost:5672 \
        --inbox task_queue2 --peer task_queue1

Lines typed on stdin are sent to the peer's queue ("YOU -- hello" is printed);
what arrives in the inbox prints as "<from header or anonymous> -- text".
"""
import argparse
import sys
import threading

import pika

parser = argparse.ArgumentParser()
parser.add_argument('--url', default='amqp://guest:guest@localhost:5672')
parser.add_argument('--inbox', default='task_queue2')
parser.add_argument('--peer', default='task_queue1')
args = parser.parse_args()


def receive():
    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    channel = connection.channel()
    channel.queue_declare(queue=args.inbox)

    def callback(ch, method, properties, body):
        sender = (properties.headers or {}).get('from', 'anonymous')
        if isinstance(sender, bytes):
            sender = sender.decode('utf-8', 'replace')
        print(f"{sender} -- {body.decode('utf-8', 'replace')}", flush=True)

    channel.basic_consume(queue=args.inbox, on_message_callback=callback, auto_ack=True)
    print('online', flush=True)
    channel.start_consuming()


def send(message):
    # The report's sender: a new connection for every message.
    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    channel = connection.channel()
    channel.queue_declare(queue=args.peer)
    channel.basic_publish(exchange='', routing_key=args.peer, body=message)
    connection.close()


threading.Thread(target=receive, daemon=True).start()
print(f"Welcome! Your queue is {args.inbox}; you write to {args.peer}.", flush=True)

for line in sys.stdin:
    text = line.rstrip('\n')
    if not text:
        continue
    send(text)
    print(f"YOU -- {text}", flush=True)
