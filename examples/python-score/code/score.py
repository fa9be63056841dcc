"""Azure ML scoring script over a custom model: a linear classifier whose weights are a JSON file.

Online: run() gets the request body as a string, {"data": [[...], ...]} (values in the order of
"features") or {"rows": [{"sepal_length": ...}, ...]}, and answers one prediction per row.
Batch: run() gets a list, either of local file paths (CSV with a header row: one result per file,
its rows' labels) or of rows ({column: value}: one result per row).
Standard library only.
"""
import csv
import json
import math
import os

model = None


def init():
    global model
    path = os.path.join(os.environ["AZUREML_MODEL_DIR"], "weights.json")
    with open(path, encoding="utf-8") as f:
        model = json.load(f)
    print("Loaded %s (%d features, %d classes)" % (path, len(model["features"]), len(model["classes"])))


def predict(values):
    scores = [sum(w * float(x) for w, x in zip(row, values)) + b for row, b in zip(model["weights"], model["bias"])]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    probabilities = [e / total for e in exps]
    best = probabilities.index(max(probabilities))
    return {"label": model["classes"][best], "probabilities": [round(p, 6) for p in probabilities]}


def values_of(row):
    if isinstance(row, dict):
        return [row[name] for name in model["features"]]
    return row


def run(raw_data):
    if isinstance(raw_data, list):
        return [score_file(item) if isinstance(item, str) else predict(values_of(item)) for item in raw_data]
    body = json.loads(raw_data)
    rows = body["data"] if "data" in body else body["rows"]
    return {"predictions": [predict(values_of(row)) for row in rows]}


def score_file(path):
    with open(path, newline="", encoding="utf-8") as f:
        labels = [predict(values_of(row))["label"] for row in csv.DictReader(f)]
    return {"file": os.path.basename(path), "labels": labels}
