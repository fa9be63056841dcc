"""A bring-your-own inference server for Sibyl's `custom` runtime (standard library only).

It speaks the Open Inference Protocol v2 for one model, "doubler" (y = 2x on FP32 tensors), plus an
Azure ML style score route. Sibyl starts it with PORT set and polls /v2/health/ready.

  GET  /v2/health/live, /v2/health/ready, /v2/models/doubler
  POST /v2/models/doubler/infer   {"inputs":[{"name":"x","shape":[n],"datatype":"FP32","data":[...]}]}
  POST /score                     {"data":[1,2,3]} -> {"result":[2,4,6]}
"""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = {"name": "doubler", "versions": ["1"], "platform": "python",
         "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1]}],
         "outputs": [{"name": "y", "datatype": "FP32", "shape": [-1]}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in ("/v2/health/live", "/v2/health/ready"):
            self.answer(200, {"live": True} if path.endswith("live") else {"ready": True})
        elif path in ("/v2/models/doubler", "/v2/models/doubler/versions/1"):
            self.answer(200, MODEL)
        elif path == "/v2":
            self.answer(200, {"name": "custom-oip-server", "version": "1", "extensions": []})
        else:
            self.answer(404, {"error": "no route GET " + path})

    def do_POST(self):
        path = self.path.split("?")[0]
        try:
            body = self.read_json()
        except ValueError:
            return self.answer(400, {"error": "the body is not JSON"})
        if path in ("/v2/models/doubler/infer", "/v2/models/doubler/versions/1/infer"):
            x = body["inputs"][0]
            outputs = [{"name": "y", "shape": x["shape"], "datatype": "FP32", "data": [2 * v for v in x["data"]]}]
            answer = {"model_name": "doubler", "model_version": "1", "outputs": outputs}
            if "id" in body:
                answer["id"] = body["id"]
            self.answer(200, answer)
        elif path == "/score":
            self.answer(200, {"result": [2 * v for v in body["data"]], "requestId": self.headers.get("x-request-id")})
        else:
            self.answer(404, {"error": "no route POST " + path})

    def log_message(self, format, *args):
        print("%s %s" % (self.address_string(), format % args), flush=True)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    # Loopback by default: Sibyl's replica sits in front of it (auth, request ids) and forwards to it.
    host = os.environ.get("HOST", "127.0.0.1")
    print("custom-oip-server listening on port %d" % port, flush=True)
    ThreadingHTTPServer((host, port), Handler).serve_forever()
