"""Hosts an Azure ML scoring script (score.py with init() and run()) for Sibyl's scorer.

Standard library only, so it runs on any Python 3.8+ with nothing installed. The Node scorer starts it
as its child with:
  PORT                  the loopback port to serve on
  AZUREML_MODEL_DIR     the model's files
  AZUREML_ENTRY_SCRIPT  the scoring script (absolute path)
  WORKER_COUNT          how many run() calls may run at once (Azure ML's setting; default 1, since
                        most scoring scripts are not written to be called from several threads)

It imports the script, calls init() once, then serves on 127.0.0.1:PORT:
  GET  /health  200 once init() has returned (the socket is bound only then)
  POST /score   run(raw_data) with the body as a string; the return value as JSON (a string as is)
  POST /batch   {"files": [paths]} or {"rows": [{column: value}]} -> run(mini_batch) -> {"results": [...]}

An exception in run() answers 500 with a generic message and the request id (header x-request-id),
and the traceback goes to stderr, each line prefixed with that id. An exception while importing the
script or in init() prints the traceback to stderr, last, and exits with code 3: the model cannot run
here, so the compute fails the deployment with the traceback's end and does not retry.

Not honoured: Azure ML's @rawhttp decorator (run() always gets the body as a string) and its
input/output schema decorators.
"""

import importlib.util
import json
import os
import sys
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL_CANNOT_RUN_EXIT_CODE = 3
GENERIC_MESSAGE = "An unexpected error occurred in scoring script. Check the logs for more info."


def exit_when_parent_goes():
    """The scorer holds our stdin's other end: when it closes (the scorer exited, even by SIGKILL), so do we."""

    def watch():
        try:
            while sys.stdin.buffer.read(65536):
                pass
        except Exception:
            pass
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def load_script(path):
    folder = os.path.dirname(path)
    # The script imports its siblings as Azure ML allows (its folder comes first on the path).
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location("score", path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot import the scoring script " + path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["score"] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise AttributeError("the scoring script " + path + " defines no run() function")
    return module


def report(request_id, what):
    lines = traceback.format_exc().rstrip("\n").split("\n")
    text = "".join("[request " + request_id + "] " + line + "\n" for line in [what] + lines)
    sys.stderr.write(text)
    sys.stderr.flush()


def as_results(value):
    """run(mini_batch)'s answer as a JSON list where it is one (a pandas DataFrame gives its rows)."""
    if hasattr(value, "to_dict") and hasattr(value, "columns"):
        return value.to_dict(orient="records")
    if isinstance(value, tuple):
        return list(value)
    return value


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    script = None
    slots = threading.BoundedSemaphore(1)

    def log_message(self, format, *args):
        # The scorer logs requests; one line per request here would only repeat it.
        pass

    def answer(self, status, body, content_type="application/json"):
        payload = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def failed(self, request_id):
        error = {"code": "ScoringScriptError", "message": GENERIC_MESSAGE, "requestId": request_id}
        self.answer(500, json.dumps({"error": error}))

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def do_GET(self):
        if self.path.split("?")[0] == "/health":
            self.answer(200, json.dumps({"ready": True}))
        else:
            self.answer(404, json.dumps({"error": {"code": "NotFound", "message": "No route GET " + self.path}}))

    def do_POST(self):
        route = self.path.split("?")[0]
        request_id = self.headers.get("x-request-id") or str(uuid.uuid4())
        raw = self.body()
        if route == "/score":
            self.score(raw.decode("utf-8", errors="replace"), request_id)
        elif route == "/batch":
            self.batch(raw, request_id)
        else:
            self.answer(404, json.dumps({"error": {"code": "NotFound", "message": "No route POST " + self.path}}))

    def call_run(self, argument, request_id):
        """run(argument) and its answer as JSON text, or None after reporting the exception."""
        try:
            with Handler.slots:
                value = Handler.script.run(argument)
            if isinstance(value, str):
                return value
            return json.dumps(value)
        except Exception:
            report(request_id, "run() raised an exception:")
            return None

    def score(self, raw_data, request_id):
        text = self.call_run(raw_data, request_id)
        if text is None:
            self.failed(request_id)
            return
        # A string is sent as is (as Azure ML does): labelled JSON only when it is.
        try:
            json.loads(text)
            self.answer(200, text)
        except ValueError:
            self.answer(200, text, "text/plain; charset=utf-8")

    def batch(self, raw, request_id):
        mini_batch = json.loads(raw.decode("utf-8"))
        argument = mini_batch["files"] if "files" in mini_batch else mini_batch["rows"]
        try:
            with Handler.slots:
                value = as_results(Handler.script.run(argument))
            text = json.dumps({"results": value})
        except Exception:
            report(request_id, "run(mini_batch) raised an exception:")
            self.failed(request_id)
            return
        self.answer(200, text)


def main():
    exit_when_parent_goes()
    port = int(os.environ["PORT"])
    workers = max(1, int(os.environ.get("WORKER_COUNT") or "1"))
    try:
        script = load_script(os.environ["AZUREML_ENTRY_SCRIPT"])
        if callable(getattr(script, "init", None)):
            script.init()
    except BaseException:
        sys.stdout.flush()
        # The traceback is the last thing on stderr: the compute reports its last lines as the error.
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(MODEL_CANNOT_RUN_EXIT_CODE)
    Handler.script = script
    Handler.slots = threading.BoundedSemaphore(workers)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("Scoring script ready: init() returned; serving run() on 127.0.0.1:" + str(port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
