"""A chat call with httpx (Debian's python3-httpx): client.stream + iter_lines, or a plain post."""
import httpx

from received import StreamReader, emit, from_completion, request_from_argv

url, headers, body = request_from_argv()
with httpx.Client(timeout=30) as client:
    if body.get("stream"):
        reader = StreamReader()
        with client.stream("POST", url, json=body, headers=headers) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                reader.feed(line.rstrip("\r\n"))  # httpx before 0.24 keeps the line ending
        emit(reader.reply())
    else:
        response = client.post(url, json=body, headers=headers)
        response.raise_for_status()
        emit(from_completion(response.json()))
