"""A chat call with the standard library only: urllib.request, streamed or not."""
import json
import urllib.request

from received import StreamReader, emit, from_completion, request_from_argv

url, headers, body = request_from_argv()
request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
with urllib.request.urlopen(request, timeout=30) as response:
    if body.get("stream"):
        reader = StreamReader()
        for raw in response:
            reader.feed(raw.decode("utf-8").rstrip("\r\n"))
        emit(reader.reply())
    else:
        emit(from_completion(json.load(response)))
