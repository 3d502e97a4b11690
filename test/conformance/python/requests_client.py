"""A chat call with requests (Debian's python3-requests), streamed with iter_lines or not."""
import requests

from received import StreamReader, emit, from_completion, request_from_argv

url, headers, body = request_from_argv()
with requests.post(url, json=body, headers=headers, stream=bool(body.get("stream")), timeout=30) as response:
    response.raise_for_status()
    if body.get("stream"):
        reader = StreamReader()
        for line in response.iter_lines():
            reader.feed(line.decode("utf-8"))
        emit(reader.reply())
    else:
        emit(from_completion(response.json()))
